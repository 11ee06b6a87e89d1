import type { Anchor, Feature } from '../lib/feature-manager.js';
import { customerHealth } from './customer-health.js';
import type { OverlayDeps } from './deps.js';
import { policyActions } from './policy-actions.js';

/** Every page feature, in the order they are checked. */
export const features = [customerHealth, policyActions] as unknown as Feature<Anchor, OverlayDeps>[];
