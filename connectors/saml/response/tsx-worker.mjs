// Runs a TypeScript worker entry when Gatehouse runs from source (npm start / tests): worker
// threads do not inherit tsx's loader from the parent's --import.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
