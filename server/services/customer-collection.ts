import { Customer } from '../../shared/schemas/customers.js';
import { defineCollection } from '../store/collection.js';

/** Customers are read by several areas (backup, usage, health); the customers area writes them. */
export const customers = defineCollection('customers', Customer);
