/// One header as ASGI carries it: raw bytes, name and value, order and duplicates kept.
package struct HeaderField: Sendable, Hashable {
    package var name: [UInt8]
    package var value: [UInt8]

    package init(name: [UInt8], value: [UInt8]) {
        self.name = name
        self.value = value
    }

    package init(_ name: String, _ value: String) {
        self.name = Array(name.utf8)
        self.value = Array(value.utf8)
    }
}
