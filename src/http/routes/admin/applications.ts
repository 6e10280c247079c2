import type { Router } from 'express';
import type { ApplicationService } from '../../../admin/applications.js';
import { parseListParams } from '../../../admin/list-params.js';
import { adminContext } from '../../middleware/admin-auth.js';
import { presentApplication, presentPage } from './present.js';

export function mountApplications(router: Router, applications: ApplicationService): void {
  router.post('/applications', async (req, res) => {
    const { application, clientSecret } = await applications.create(adminContext(res), req.body);
    res.status(201).json(presentApplication(application, clientSecret));
  });
  router.get('/applications', async (req, res) => {
    const page = await applications.list(adminContext(res), parseListParams(req.query));
    res.json(presentPage(page, (app) => presentApplication(app)));
  });
  router.get('/applications/:id', async (req, res) => {
    res.json(presentApplication(await applications.get(adminContext(res), req.params.id)));
  });
  router.patch('/applications/:id', async (req, res) => {
    res.json(presentApplication(await applications.update(adminContext(res), req.params.id, req.body)));
  });
  router.delete('/applications/:id', async (req, res) => {
    await applications.delete(adminContext(res), req.params.id);
    res.status(204).end();
  });
  router.post('/applications/:id/rotate-secret', async (req, res) => {
    const { application, clientSecret } = await applications.rotateSecret(adminContext(res), req.params.id, req.body);
    res.json(presentApplication(application, clientSecret));
  });
}
