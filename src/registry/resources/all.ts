// Every built-in resource served, in upstream's discovery order (core first, then groups by priority).
import type { ResourceDef } from '../types.js';
import { coreResources } from './core.js';
import { appsResources } from './apps.js';
import { reviewResources } from './reviews.js';

export const builtinResources: ResourceDef[] = [...coreResources, ...appsResources, ...reviewResources];
