/** How go-synology encodes a parameter set (Go's url.Values), shared by the Go client replays. */

/** Go's url.Values.Encode(): keys sorted byte-wise, QueryEscape'd values. */
export function goEncode(params: Record<string, string>): string {
  const queryEscape = (s: string) =>
    encodeURIComponent(s)
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, "+");
  return Object.keys(params)
    .sort()
    .map((k) => `${queryEscape(k)}=${queryEscape(params[k] ?? "")}`)
    .join("&");
}
