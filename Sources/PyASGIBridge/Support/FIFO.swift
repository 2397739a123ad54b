/// A first-in first-out queue over an array: pops move a head index, and the storage is reused
/// once it has been emptied.
package struct FIFO<Element> {
    private var items: [Element]
    private var head = 0

    package init(_ items: [Element] = []) {
        self.items = items
    }

    package var isEmpty: Bool { head == items.count }

    package mutating func append(_ item: Element) {
        items.append(item)
    }

    package mutating func popFirst() -> Element? {
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        return item
    }
}
