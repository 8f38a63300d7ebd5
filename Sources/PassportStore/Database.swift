import CSQLite

/// An error from SQLite, with its message and the statement that failed.
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var description: String { message }
    /// The store is busy beyond the wait (another process holds a write lock).
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
}

/// A value to bind to a statement parameter.
public enum SQLValue: Sendable, Equatable {
    case text(String), integer(Int64), real(Double), blob([UInt8]), null
}

/// One SQLite connection. The only type that talks to the SQLite C library.
public final class Database {
    let handle: OpaquePointer
    public let path: String
    private var statements: [String: Statement] = [:]
    private var transactionDepth = 0

    public init(path: String, busyTimeoutMilliseconds: Int32 = 10_000) throws {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw DatabaseError(code: rc, message: "cannot open store \(path): \(message)")
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 1)
    }

    private var closed = false

    deinit { close() }

    /// Closes the connection; the last one to close folds the write-ahead log back into the file,
    /// so the next start does not have to read it.
    public func close() {
        guard !closed else { return }
        closed = true
        statements.values.forEach { $0.finalize() }
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    var lastError: String { String(cString: sqlite3_errmsg(handle)) }

    /// Runs one or more statements with no parameters and no results.
    public func execute(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let message = err.map { String(cString: $0) } ?? lastError
            sqlite3_free(err)
            throw DatabaseError(code: rc, message: message)
        }
    }

    /// A prepared statement, cached by its text.
    public func statement(_ sql: String) throws -> Statement {
        if let s = statements[sql] { s.reset(); return s }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw DatabaseError(code: rc, message: "\(lastError) in: \(sql)") }
        let s = Statement(db: self, handle: stmt)
        statements[sql] = s
        return s
    }

    /// Runs a statement with parameters; returns the rows changed.
    @discardableResult
    public func run(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        let s = try statement(sql)
        try s.bind(values)
        while try s.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Every row of a query, each read by `read`.
    public func query<T>(_ sql: String, _ values: [SQLValue] = [], _ read: (Row) throws -> T) throws -> [T] {
        let s = try statement(sql)
        try s.bind(values)
        var out: [T] = []
        while try s.step() { out.append(try read(Row(handle: s.handle))) }
        s.reset()
        return out
    }

    public func queryOne<T>(_ sql: String, _ values: [SQLValue] = [], _ read: (Row) throws -> T) throws -> T? {
        try query(sql, values, read).first
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` in one write transaction (BEGIN IMMEDIATE, so two processes never deadlock
    /// upgrading a read lock); nested calls join the outer one. Any error rolls everything back.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if transactionDepth > 0 {
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            return try body()
        }
        try execute("BEGIN IMMEDIATE")
        transactionDepth = 1
        do {
            let result = try body()
            transactionDepth = 0
            try execute("COMMIT")
            return result
        } catch {
            transactionDepth = 0
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// A prepared statement.
public final class Statement {
    unowned let db: Database
    let handle: OpaquePointer

    init(db: Database, handle: OpaquePointer) { self.db = db; self.handle = handle }

    func finalize() { sqlite3_finalize(handle) }
    func reset() { sqlite3_reset(handle); sqlite3_clear_bindings(handle) }

    public func bind(_ values: [SQLValue]) throws {
        sqlite3_reset(handle)
        for (i, v) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch v {
            case .text(let s): rc = sqlite3_bind_text(handle, index, s, -1, passport_sqlite_transient())
            case .integer(let n): rc = sqlite3_bind_int64(handle, index, n)
            case .real(let d): rc = sqlite3_bind_double(handle, index, d)
            case .blob(let b):
                rc = b.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), passport_sqlite_transient()) }
            case .null: rc = sqlite3_bind_null(handle, index)
            }
            guard rc == SQLITE_OK else { throw DatabaseError(code: rc, message: db.lastError) }
        }
    }

    /// Binds text straight from UTF-8 bytes, for the bulk directory load.
    func bindText(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        sqlite3_bind_text(handle, index, UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self),
                          Int32(bytes.count), passport_sqlite_transient())
    }
    func bindInt(_ index: Int32, _ n: Int64) { sqlite3_bind_int64(handle, index, n) }

    /// Steps once: true when a row is ready.
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        let message = db.lastError
        sqlite3_reset(handle)
        throw DatabaseError(code: rc, message: message)
    }

    func resetForReuse() { sqlite3_reset(handle) }
}

/// One result row.
public struct Row {
    let handle: OpaquePointer
    public func text(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(handle, i) else { return "" }
        return String(cString: p)
    }
    public func optionalText(_ i: Int32) -> String? {
        sqlite3_column_type(handle, i) == SQLITE_NULL ? nil : text(i)
    }
    public func int(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }
    public func optionalInt(_ i: Int32) -> Int64? {
        sqlite3_column_type(handle, i) == SQLITE_NULL ? nil : int(i)
    }
    public func blob(_ i: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(handle, i))
        guard n > 0, let p = sqlite3_column_blob(handle, i) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
}
