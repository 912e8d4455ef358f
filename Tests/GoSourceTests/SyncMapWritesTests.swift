import Testing

@testable import GoSource

/// Where a write-heavy sync.Map is written, from a line that reads it: the writes of the same
/// map (a field of the same type, in this file or a sibling), the reading function's first;
/// nothing for a line that reads no sync.Map, or for another sync.Map's writes.
@Suite struct SyncMapWritesTests {
    static let tracker = GoFile(path: "tracker.go", text: """
        package presence

        import "sync"

        type Tracker struct {
        \tseen  sync.Map
        \tother sync.Map
        \tplain map[string]int
        }

        func (t *Tracker) Online(user string) bool {
        \t_, ok := t.seen.Load(user)
        \tif !ok {
        \t\tt.seen.Store(user, 1)
        \t}
        \treturn ok
        }

        func (t *Tracker) Count(user string) int {
        \treturn t.plain[user]
        }

        func (t *Tracker) Mark(user string) {
        \tt.other.Store(user, 2)
        }
        """)

    static let heartbeat = GoFile(path: "heartbeat.go", text: """
        package presence

        func (t *Tracker) Heartbeat(user string) {
        \tt.seen.LoadOrStore(user, 0)
        \tt.seen.Delete(user + "-old")
        }
        """)

    @Test func aLoadLeadsToTheWritesOfTheSameMapReaderFirst() {
        let writes = SyncMapWrites.writes(ofMapReadAt: 12, in: Self.tracker, package: [Self.heartbeat])
        #expect(writes.map(\.line) == [14, 4, 5])
        #expect(writes.map(\.path) == ["tracker.go", "heartbeat.go", "heartbeat.go"])
        #expect(writes.first?.statement == "t.seen.Store(user, 1)")
        // Another sync.Map of the same type is not this one.
        #expect(!writes.contains { $0.statement.contains("t.other") })
    }

    @Test func aLineThatReadsNoSyncMapHasNoWrites() {
        #expect(SyncMapWrites.writes(ofMapReadAt: 20, in: Self.tracker, package: [Self.heartbeat]).isEmpty)
        // A write itself is not a read to move from.
        #expect(SyncMapWrites.writes(ofMapReadAt: 14, in: Self.tracker).isEmpty)
    }
}
