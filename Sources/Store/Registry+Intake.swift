import Domain
import GRDB

extension StoreTransaction {
    /// The unit registered with `unit`'s credit code; `unit` is inserted when there is none.
    /// Read and insert happen in this (IMMEDIATE) transaction, so two declarations submitted at
    /// once cannot both insert the same unit.
    public func registeredOrInserted(_ unit: UnitRecord) throws -> UnitRecord {
        if let found = try UnitRecord.fetch(creditCode: unit.creditCode, db: db) { return found }
        try insert(unit)
        return unit
    }

    /// The person registered with `person`'s resident ID number; `person` is inserted when
    /// there is none (in this transaction, like `registeredOrInserted(_:)` for units).
    public func registeredOrInserted(_ person: PersonRecord) throws -> PersonRecord {
        if let found = try PersonRecord.fetch(residentID: person.residentID, db: db) { return found }
        try insert(person)
        return person
    }
}
