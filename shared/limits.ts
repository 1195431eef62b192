/** Explicit limits of the message model; the API answers 4xx past any of them. */
export const LIMITS = {
  idLength: 128,
  categoryLength: 32,
  titleLength: 200,
  /** `q` of `GET /api/v1/messages`: a title search, not a title. */
  titleSearchLength: 100,
  bodyLength: 4000,
  urlLength: 2048,
  actionTitleLength: 40,
  actions: 2,
  dataBytes: 4096,
  /** Shape of `data` (see shared/bounded-json.ts): nesting, keys per object, items per array, values in all. */
  dataDepth: 8,
  dataKeysPerObject: 64,
  dataArrayLength: 256,
  dataNodes: 1024,
  collapseKeyLength: 64,
  senderNameLength: 100,
  recipientsPerRequest: 1000,
  cronLength: 120,
  /** `digest` of a message: its key, its window, and the summary title the merchant may give. */
  digestKeyLength: 64,
  digestWindowSecondsMin: 60,
  digestWindowSecondsMax: 24 * 3600,
  digestTitleLength: 200,
  /** `Idempotency-Key` header length (a UUID is 36). */
  idempotencyKeyLength: 255,
  replyBodyLength: 2000,
  /** Web Push plaintext ceiling (RFC 8291 with a 4096-byte record). */
  pushPlaintextBytes: 3993,
  /** Longest push subscription endpoint accepted (real ones are a few hundred characters). */
  pushEndpointLength: 1024,
  /** Devices per shopper; subscribing one more evicts the least recently updated. */
  pushSubscriptionsPerShopper: 10,
  /** Largest HTTP request body the server reads. */
  requestBodyBytes: 64 * 1024,
  /** Largest WebSocket frame a client may send. */
  streamFrameBytes: 16 * 1024,
  syncPageMax: 500,
  syncPageDefault: 100,
  shopperTokenTtlSecondsMin: 60,
  shopperTokenTtlSecondsMax: 30 * 24 * 3600,
  shopperTokenTtlSecondsDefault: 24 * 3600,
} as const;
