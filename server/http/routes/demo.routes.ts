import { Router } from 'express';
import { demoSignInRequestSchema, type DemoInfo, type ShopperTokenResponse } from '../../../shared/auth.schema.js';
import type { ShopperTokens } from '../../auth/shopper-tokens.js';
import { HttpError } from '../http-error.js';
import { validate } from '../validate.js';

const DEMO_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

/** Answers only in demo mode; otherwise every route says plainly that demo mode is off. */
export function demoRoutes({ demo, tokens }: { demo: DemoInfo | undefined; tokens: ShopperTokens }): Router {
  const router = Router();
  const requireDemo = (): DemoInfo => {
    if (!demo) throw new HttpError(404, 'demo-disabled', 'Demo mode is off on this server');
    return demo;
  };

  router.get('/demo', (_req, res) => {
    res.json(requireDemo());
  });

  router.post('/demo/sign-in', (req, res) => {
    const info = requireDemo();
    const { userId } = validate(demoSignInRequestSchema, req.body, 'sign-in request');
    if (!info.shoppers.some((shopper) => shopper.userId === userId)) {
      throw new HttpError(404, 'not-found', `No demo shopper ${userId}`);
    }
    const body: ShopperTokenResponse = { userId, ...tokens.mint(userId, DEMO_TOKEN_TTL_SECONDS) };
    res.status(201).json(body);
  });

  return router;
}
