export interface StoreEvent {
  /** The stream entry id: pass the last one seen to read what came after it. */
  id: string;
  /** A trial's result or final failure was written, or a sweep was created. */
  type: 'result' | 'failure' | 'sweep';
  /** The trial key; for 'sweep', the sweep id. */
  key: string;
}
