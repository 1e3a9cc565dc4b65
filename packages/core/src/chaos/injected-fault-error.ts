import { RampartError } from '../errors/rampart-error.js';

/** The default fault a chaos policy injects. Classified `transient` (the default class). */
export class InjectedFaultError extends RampartError {
  constructor(message = 'Chaos: injected fault') {
    super(message, { code: 'InjectedFaultError' });
  }
}
