/// What Tab should do, decided by the caller (the language layer), applied by the editor.
public struct CompletionAction: Sendable, Equatable {
    /// Unicode scalars to delete just before the cursor.
    public var deleteBeforeCursor: Int
    /// Text to insert at the cursor after deleting.
    public var insert: String
    /// Lines to show below the input (candidates with descriptions); empty = none.
    public var listing: [String]

    public init(deleteBeforeCursor: Int = 0, insert: String = "", listing: [String] = []) {
        self.deleteBeforeCursor = deleteBeforeCursor
        self.insert = insert
        self.listing = listing
    }
}
