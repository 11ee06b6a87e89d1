import type { Anchor, Feature } from '../lib/feature-manager.js';
import { customerHealth } from './customer-health.js';
import { customerImport } from './customer-import.js';
import type { OverlayDeps } from './deps.js';
import { policyActions } from './policy-actions.js';
import { saasUsageCheck } from './saas-usage-check.js';
import { usageReportCheck } from './usage-report-check.js';

/** Every page feature, in the order they are checked. */
export const features = [customerHealth, customerImport, policyActions, usageReportCheck, saasUsageCheck] as unknown as Feature<Anchor, OverlayDeps>[];
