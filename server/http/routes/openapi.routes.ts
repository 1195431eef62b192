import { Router } from 'express';
import { openApiDocument } from '../openapi.js';

/** `GET /api/v1/openapi.json`: public, like the reference page that reads it. */
export function openApiRoutes(): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  return router;
}
