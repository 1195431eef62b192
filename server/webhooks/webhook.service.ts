import crypto from 'node:crypto';
import {
  MAX_WEBHOOKS_PER_MERCHANT,
  type CreateWebhookRequest,
  type CreateWebhookResponse,
  type WebhookDelivery,
  type WebhookSummary,
} from '../../shared/webhook.schema.js';
import { HttpError } from '../http/http-error.js';
import type { EndpointAllowlist } from '../push/endpoint-allowlist.js';
import type { MerchantRecord } from '../store/store.js';
import { checkWebhookUrl, hostOf, resolvePublic, systemResolver, WebhookUrlError, type Resolver } from './webhook-address-guard.js';
import { newWebhookSecret } from './webhook-signature.js';
import type { WebhookStore } from './webhook-store.js';

export interface WebhookServiceDeps {
  store: WebhookStore;
  /** WEBHOOK_ENDPOINT_ALLOWLIST: origins admitted although internal or plain http; undefined admits none. */
  allowlist?: EndpointAllowlist;
  resolve?: Resolver;
}

/** A merchant key's webhook endpoints: each key sees and changes only its own. */
export class WebhookService {
  private readonly resolve: Resolver;

  constructor(private readonly deps: WebhookServiceDeps) {
    this.resolve = deps.resolve ?? systemResolver;
  }

  async create(merchant: MerchantRecord, request: CreateWebhookRequest): Promise<CreateWebhookResponse> {
    const url = await this.checkUrl(request.url);
    if ((await this.deps.store.countWebhooks(merchant.id)) >= MAX_WEBHOOKS_PER_MERCHANT) {
      throw new HttpError(409, 'too-many-webhooks', `A merchant key may register at most ${MAX_WEBHOOKS_PER_MERCHANT} webhooks; delete one first`);
    }
    const webhook = {
      id: `wh_${crypto.randomUUID().replaceAll('-', '')}`,
      merchantId: merchant.id,
      url: url.href,
      secret: newWebhookSecret(),
      events: request.events,
      createdAt: new Date().toISOString(),
    };
    await this.deps.store.createWebhook(webhook);
    return { id: webhook.id, url: webhook.url, events: [...webhook.events], createdAt: webhook.createdAt, secret: webhook.secret };
  }

  list(merchant: MerchantRecord): Promise<WebhookSummary[]> {
    return this.deps.store.listWebhooks(merchant.id);
  }

  async delete(merchant: MerchantRecord, id: string): Promise<void> {
    if (!(await this.deps.store.deleteWebhook(merchant.id, id))) throw new HttpError(404, 'not-found', `No webhook ${id}`);
  }

  async deliveries(merchant: MerchantRecord, id: string, limit: number): Promise<WebhookDelivery[]> {
    const deliveries = await this.deps.store.listDeliveries(merchant.id, id, limit);
    // Someone else's webhook answers like a missing one, so ids do not leak.
    if (!deliveries) throw new HttpError(404, 'not-found', `No webhook ${id}`);
    return deliveries;
  }

  /**
   * The URL as written and, unless allowlisted, its host resolved now: a
   * merchant learns at once that a URL can never work. The send re-checks
   * after its own resolution (webhook-transport.ts), since DNS can change.
   */
  private async checkUrl(text: string): Promise<URL> {
    try {
      const url = checkWebhookUrl(text, this.deps.allowlist);
      if (!this.deps.allowlist?.allows(url.href)) await resolvePublic(hostOf(url), this.resolve);
      return url;
    } catch (err) {
      if (!(err instanceof WebhookUrlError)) throw err;
      throw new HttpError(400, 'webhook-url-not-allowed', `Webhook url not allowed: ${err.message}`);
    }
  }
}
