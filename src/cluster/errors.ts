import { NixpodError } from '../core/errors.js';

/** Anything about reaching or authenticating to the cluster that the user can fix: exit 3. */
export class ClusterError extends NixpodError {
  constructor(message: string, hint?: string) {
    super('cluster', message, hint);
  }
}
