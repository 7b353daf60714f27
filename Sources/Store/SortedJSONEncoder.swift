import JSONKit

/// The encoder of event payloads and state snapshots: `JSONKit.CanonicalJSON`, RFC 8785
/// canonical JSON — the same canonicalisation as declarations' data digests.
///
/// Every event's hash covers its payload text as stored, and `audit()` recomputes hashes from
/// that text, so a log verifies whatever wrote it. For every payload the project writes (keys
/// in ASCII, integers, dates as seconds since 2001) these are the bytes the store wrote before
/// it used RFC 8785 (Foundation's sorted-keys bytes): `DemoSeasonTests` checks each event and
/// snapshot of a season, and see ARCHITECTURE.md, "Canonical JSON".
public typealias SortedJSONEncoder = CanonicalJSON
