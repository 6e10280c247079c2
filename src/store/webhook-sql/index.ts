// The DeliveryEngineStore over the shared pg pool.
import type pg from 'pg';
import type { DeliveryEngineStore } from '../webhook-data.js';
import { deliveryBookkeeping } from './deliveries.js';
import { fanOut } from './fan-out.js';

export function createDeliveryEngineStore(pool: pg.Pool): DeliveryEngineStore {
  return { fanOut: fanOut(pool), ...deliveryBookkeeping(pool) };
}
