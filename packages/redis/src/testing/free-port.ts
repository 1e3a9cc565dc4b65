/** Re-exported from `@rampart/core/testing`: a spare loopback port below the ephemeral range. */
export { freePort } from '@rampart/core/testing';
