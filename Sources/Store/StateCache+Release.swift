extension EventStore {
    /// Drops the states kept for the workflow's next transitions (`StateCache`: about 2 KB a
    /// stream, ≈80 MB after a 20,000-application season). A pass that does not run the workflow
    /// — rendering a season's documents reads histories, not states — calls it first so that
    /// memory is reused; a later transition reads the state from SQLite again.
    public func dropCachedStates() { cache.removeAll() }
}
