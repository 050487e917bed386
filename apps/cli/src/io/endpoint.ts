/** One value as `doppel io` prints it. */
export interface IoReading {
  readonly value: number | boolean | string | null | readonly unknown[];
  /** `Good`, or the status the device answered. */
  readonly status: string;
  /** The node's DataType (OPC UA) or the register encoding (Modbus). */
  readonly dataType: string;
}

/** A line of `doppel io browse`: an address and what is there. */
export interface IoBrowseLine {
  readonly depth: number;
  readonly address: string;
  readonly name: string;
  readonly kind: string;
  readonly value?: IoReading['value'];
  readonly note?: string;
}

/** What `doppel io` does with a device, whatever its protocol. */
export interface IoEndpoint {
  browse(depth: number): Promise<IoBrowseLine[]>;
  read(address: string): Promise<IoReading>;
  /** `text` as typed on the command line, converted to the target's type. */
  write(address: string, text: string): Promise<void>;
  /**
   * Calls `onReading` for every new value until the returned stop function is called; `onError` once if the watch
   * cannot go on (the connection is lost, the device refuses).
   */
  watch(
    address: string,
    intervalMs: number,
    onReading: (reading: IoReading) => void,
    onError: (error: unknown) => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
