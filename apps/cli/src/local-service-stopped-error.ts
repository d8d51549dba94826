/**
 * A service `seedsweep run` started stopped on its own (a crash, the OOM killer, its Redis gone):
 * the sweep cannot finish here. What was trained is kept with the local Redis's data, so running
 * the same sweep again resumes it.
 */
export class LocalServiceStoppedError extends Error {
  readonly code = 'LOCAL_SERVICE_STOPPED';
  readonly retryable = true;

  constructor(readonly service: string) {
    super(
      `${service} stopped unexpectedly (its log is above); what was trained is kept: run the same sweep again to resume it`,
    );
  }
}
