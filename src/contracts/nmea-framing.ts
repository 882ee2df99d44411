/**
 * NMEA 0183 framing shared by the GNSS decoder, the `$PSOS` equipment protocol (PROTOCOL.md B) and
 * the simulators: `$<body>*hh` where hh is the XOR of every byte between `$` and `*`, in upper-case hex.
 */
export function nmeaChecksum(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
  return sum.toString(16).toUpperCase().padStart(2, "0");
}

/** Frames a sentence body (without `$` and `*hh`) as a complete sentence, without the line end. */
export function frameSentence(body: string): string {
  return `$${body}*${nmeaChecksum(body)}`;
}
