/// Two runs of indices, each already in order, merged into one: how a sort done in two halves
/// (one on each core) is finished. Stable: of two equal elements, the first run's comes first.
@inlinable
public func mergedInOrder(_ first: [Int], _ second: [Int], precedes: (Int, Int) -> Bool) -> [Int] {
    var order: [Int] = []
    order.reserveCapacity(first.count + second.count)
    var a = 0, b = 0
    while a < first.count || b < second.count {
        if b == second.count || (a < first.count && !precedes(second[b], first[a])) {
            order.append(first[a])
            a += 1
        } else {
            order.append(second[b])
            b += 1
        }
    }
    return order
}
