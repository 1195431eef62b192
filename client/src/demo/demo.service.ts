import { demoInfoSchema, type DemoInfo } from '../../../shared/auth.schema.js';
import { apiRequest } from '../api/api-client.js';
import { ApiError } from '../api/api-error.js';

/**
 * What a demo server offers (shop name, demo shoppers, merchant key), or null
 * when the server is not in demo mode. Other failures propagate: the caller
 * decides whether an unreachable server matters.
 */
export async function loadDemo(): Promise<DemoInfo | null> {
  try {
    return await apiRequest('/demo', { schema: demoInfoSchema });
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'demo-disabled' || error.status === 404)) return null;
    throw error;
  }
}
