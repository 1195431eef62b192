import { busContract } from './bus.contract.js';
import { MemoryBus } from './memory-bus.js';

busContract('MemoryBus', async () => ({ bus: new MemoryBus(), settled: async () => {} }));
