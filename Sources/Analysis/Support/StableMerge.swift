/// Two runs of indices, each already in order, merged into one: how a sort done in two halves
/// (one on each core) is finished. Stable: of two equal elements, the first run's comes first.
@inlinable
public func mergedInOrder(_ first: [Int], _ second: [Int], precedes: (Int, Int) -> Bool) -> [Int] {
    var order: [Int] = []
    order.reserveCapacity(first.count + second.count)
    forEachInMergedOrder(first, second, precedes: precedes) { order.append($0) }
    return order
}

/// The indices of two runs, each already in order, handed to `body` in their merged order (as
/// `mergedInOrder` has them), each just after it was compared.
@inlinable
public func forEachInMergedOrder(_ first: [Int], _ second: [Int], precedes: (Int, Int) -> Bool, _ body: (Int) -> Void) {
    var a = 0, b = 0
    while a < first.count || b < second.count {
        if b == second.count || (a < first.count && !precedes(second[b], first[a])) {
            body(first[a])
            a += 1
        } else {
            body(second[b])
            b += 1
        }
    }
}
