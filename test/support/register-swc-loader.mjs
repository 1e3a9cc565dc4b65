// `node --import ./register-swc-loader.mjs`: installs swc-loader.mjs (TypeScript sources in a child process).
import { register } from 'node:module';

register('./swc-loader.mjs', import.meta.url);
