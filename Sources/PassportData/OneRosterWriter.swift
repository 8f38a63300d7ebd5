/// Writes shared data as a OneRoster 1.1 CSV bulk export: orgs, academicSessions,
/// courses, classes, users, enrollments and demographics (always all seven, with their
/// headers, even when empty) and a manifest.csv that marks each of them `bulk`.
/// Fields are quoted only when they must be; lines end with CRLF.
public enum OneRosterWriter {
    /// The files in memory, manifest last: for the SFTP uploader.
    public static func files(_ data: SharedData) -> [(name: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for file in RosterFile.allCases {
            var bytes: [UInt8] = []
            write(data.table(file)) { bytes.append(contentsOf: $0) }
            out.append((file.fileName, bytes))
        }
        out.append(("manifest.csv", manifest()))
        return out
    }

    /// Writes the files into `folder` (made if missing), streaming large files.
    public static func write(_ data: SharedData, to folder: String) throws {
        try FileSystem.makeDirectory(folder)
        for file in RosterFile.allCases {
            let sink = try FileSink(path: folder + "/" + file.fileName)
            var failure: Error?
            write(data.table(file)) { chunk in
                guard failure == nil else { return }
                do { try sink.append(chunk) } catch { failure = error }
            }
            if let failure { throw failure }
            try sink.flush()
        }
        let sink = try FileSink(path: folder + "/manifest.csv")
        try sink.append(manifest())
        try sink.flush()
    }

    /// The table as CSV, handed over in pieces of about a megabyte.
    static func write(_ table: SharedTable, _ emit: ([UInt8]) -> Void) {
        var w = CSVWriter()
        w.output.reserveCapacity(1 << 20 + 4096)
        w.record(table.columns)
        for r in 0..<table.count {
            for c in 0..<table.columns.count {
                table.withValue(r, c) { w.field($0, first: c == 0) }
            }
            w.endRecord()
            if w.output.count >= 1 << 20 {
                emit(w.output)
                w.output.removeAll(keepingCapacity: true)
            }
        }
        if !w.output.isEmpty { emit(w.output) }
    }

    static func manifest() -> [UInt8] {
        var w = CSVWriter()
        w.record(["propertyName", "value"])
        w.record(["manifest.version", "1.0"])
        w.record(["oneroster.version", "1.1"])
        let ours = Set(RosterFile.allCases.map(\.rawValue))
        let files = (RosterFile.allCases.map(\.rawValue) + ["categories", "classResources", "courseResources", "lineItems", "resources", "results"])
            .sorted { $0.lowercased() < $1.lowercased() }
        for name in files { w.record(["file.\(name)", ours.contains(name) ? "bulk" : "absent"]) }
        w.record(["source.systemName", "School Passport"])
        w.record(["source.systemCode", "passport"])
        return w.output
    }
}
