import { deliveryStatsResponseSchema, type DeliveryStatsResponse } from '../../../shared/delivery-stats.schema.js';
import { apiRequest } from '../api/api-client.js';

/** `GET /api/v1/stats/deliveries`: this key's figures for the days `from`..`to` in `tz`. */
export function fetchDeliveryStats(
  merchantKey: string,
  range: { from: string; to: string; tz: string },
  signal?: AbortSignal,
): Promise<DeliveryStatsResponse> {
  return apiRequest('/stats/deliveries', {
    bearer: merchantKey,
    query: range,
    schema: deliveryStatsResponseSchema,
    ...(signal ? { signal } : {}),
  });
}
