import Testing

@testable import GoSource

/// AP3 where the function that keeps the values is not the one that allocates them: the
/// allocator's caller hands the value to a method that also indexes it (blind batch 5's
/// r-lru-tag-index-keeper), or the map's entries are marked dead instead of deleted (its
/// q-session-soft-delete). Each broken program is next to the healthy one it resembles.
@Suite struct AP3KeeperTests {
    static func check(_ source: String, _ function: String, _ hot: [String]) -> ShapeResult {
        HardNegativeTests.check(source, .ap3, function, hot)
    }

    /// A page cache: `render` allocates, `serve` hands the page to `Put`, which stores it in
    /// `items` and appends it to the tag index; `evict` deletes from `items` only. `Purge`
    /// drops a whole tag, rarely: every evicted page stays in `byTag` until then.
    static func cache(evict: String, extra: String = "") -> String {
        """
        package main

        type Page struct {
        \tURL  string
        \tTags []string
        \tBody []byte
        }

        type entry struct{ page *Page }

        type Cache struct {
        \titems map[string]*entry
        \tbyTag map[string][]*entry
        \torder []string
        }

        func (c *Cache) Put(p *Page) {
        \te := &entry{page: p}
        \tc.items[p.URL] = e
        \tfor _, t := range p.Tags {
        \t\tc.byTag[t] = append(c.byTag[t], e)
        \t}
        \tif len(c.order) > 100 {
        \t\tc.evict()
        \t}
        }

        \(evict)

        func (c *Cache) Purge(tag string) {
        \tfor _, e := range c.byTag[tag] {
        \t\tdelete(c.items, e.page.URL)
        \t}
        \tdelete(c.byTag, tag)
        }
        \(extra)
        func render(id int) *Page {
        \tbody := make([]byte, 0, 32<<10)
        \treturn &Page{Body: body}
        }

        func serve(c *Cache, id int) int {
        \tp := render(id)
        \tc.Put(p)
        \treturn len(p.Body)
        }
        """
    }

    static let evictItemsOnly = """
        func (c *Cache) evict() {
        \turl := c.order[0]
        \tc.order = c.order[1:]
        \tdelete(c.items, url)
        }
        """

    @Test func anIndexThatEvictionNeverPrunesIsNamedThroughTheAllocatorsCaller() {
        let result = Self.check(Self.cache(evict: Self.evictItemsOnly), "main.render", ["body := make([]byte, 0, 32<<10)"])
        HardNegativeTests.expectConfirmed(result, "c.byTag[t] = append(c.byTag[t], e)")
        #expect(result.shape == .deletedValueKept)
        #expect(result.holder == "main.(*Cache).Put", "\(result)")
        #expect(result.reason.contains("delete(c.items, url)") && result.reason.contains("loses entries only in (*Cache).Purge"), "\(result)")
    }

    @Test func anIndexPrunedOnTheEvictionPathIsNotConfirmed() {
        let evict = """
            func (c *Cache) evict() {
            \turl := c.order[0]
            \tc.order = c.order[1:]
            \tif e, ok := c.items[url]; ok {
            \t\tc.unindex(e)
            \t}
            \tdelete(c.items, url)
            }

            func (c *Cache) unindex(e *entry) {
            \tfor _, t := range e.page.Tags {
            \t\tdelete(c.byTag, t)
            \t}
            }
            """
        HardNegativeTests.expectNotConfirmed(Self.check(Self.cache(evict: evict), "main.render", ["body := make([]byte, 0, 32<<10)"]))
    }

    @Test func anIndexRebuiltByACompactionPassIsNotConfirmed() {
        let compact = """

            func (c *Cache) compact() {
            \tfor tag, list := range c.byTag {
            \t\tkept := list[:0]
            \t\tfor _, e := range list {
            \t\t\tif c.items[e.page.URL] == e {
            \t\t\t\tkept = append(kept, e)
            \t\t\t}
            \t\t}
            \t\tc.byTag[tag] = kept
            \t}
            }
            """
        HardNegativeTests.expectNotConfirmed(Self.check(Self.cache(evict: Self.evictItemsOnly, extra: compact), "main.render", ["body := make([]byte, 0, 32<<10)"]))
    }

    @Test func anAllocatorWhoseCallerKeepsNothingIsNotConfirmed() {
        let source = """
            package main

            type Cache struct{ items map[string][]byte }

            func (c *Cache) Put(k string, v []byte) { c.items[k] = v }

            func (c *Cache) Drop(k string) { delete(c.items, k) }

            func render(id int) []byte { return make([]byte, 32<<10) }

            func serve(c *Cache, id int) int {
            \tb := render(id)
            \treturn len(b)
            }
            """
        HardNegativeTests.expectNotConfirmed(Self.check(source, "main.render", ["return make([]byte, 32<<10)"]))
    }

    /// Sessions stored at login; `Logout` marks them, `Sweep` (when given) deletes the marked.
    static func sessions(logout: String, sweep: String = "") -> String {
        """
        package main

        import "time"

        type Session struct {
        \tID       string
        \tActive   bool
        \tStatus   string
        \tOutAt    time.Time
        \tscratch  []byte
        }

        type Store struct{ sessions map[string]*Session }

        func NewStore() *Store {
        \tst := &Store{}
        \tst.sessions = make(map[string]*Session)
        \treturn st
        }

        func (st *Store) Login(id string) *Session {
        \ts := &Session{ID: id, Active: true, scratch: make([]byte, 4096)}
        \tst.sessions[id] = s
        \treturn s
        }

        func (st *Store) Logout(id string) {
        \ts, ok := st.sessions[id]
        \tif !ok {
        \t\treturn
        \t}
        \(logout)
        }
        \(sweep)
        """
    }

    @Test func anEntryMarkedInactiveInAMapNeverDeletedFromIsASoftDelete() {
        let result = Self.check(Self.sessions(logout: "\ts.Active = false\n\ts.OutAt = time.Now()"), "main.(*Store).Login",
                                ["s := &Session{ID: id, Active: true, scratch: make([]byte, 4096)}"])
        HardNegativeTests.expectConfirmed(result, "s.Active = false")
        #expect(result.shape == .softDelete)
        #expect(result.holder == "main.(*Store).Logout", "\(result)")
    }

    @Test func aStatusSaidCancelledIsASoftDelete() {
        let result = Self.check(Self.sessions(logout: "\ts.Status = \"cancelled\""), "main.(*Store).Login",
                                ["s := &Session{ID: id, Active: true, scratch: make([]byte, 4096)}"])
        HardNegativeTests.expectConfirmed(result, "s.Status = \"cancelled\"")
    }

    @Test func aMarkThatASweepDeletesLaterIsNotASoftDelete() {
        let sweep = """

            func (st *Store) Sweep() {
            \tfor id, s := range st.sessions {
            \t\tif !s.Active {
            \t\t\tdelete(st.sessions, id)
            \t\t}
            \t}
            }
            """
        let result = Self.check(Self.sessions(logout: "\ts.Active = false", sweep: sweep), "main.(*Store).Login",
                                ["s := &Session{ID: id, Active: true, scratch: make([]byte, 4096)}"])
        HardNegativeTests.expectNotConfirmed(result)
    }

    @Test func aFieldSetToALiveValueIsNotASoftDelete() {
        let result = Self.check(Self.sessions(logout: "\ts.Status = \"idle\"\n\ts.Active = true"), "main.(*Store).Login",
                                ["s := &Session{ID: id, Active: true, scratch: make([]byte, 4096)}"])
        HardNegativeTests.expectNotConfirmed(result)
    }

    /// The value travels up two callers (`load` returns what `render` filled in) and into a
    /// list element the map holds; `Put` hands it on to `index`, which appends it to a map
    /// that eviction never prunes (blind batch 6's t-catalog-category-keeper).
    static let twoCallsUp = """
        package main

        import "container/list"

        type Page struct {
        \tKey  string
        \tTag  string
        \tBody []byte
        }

        type Cache struct {
        \titems map[string]*list.Element
        \tlru   *list.List
        \tbyTag map[string][]*Page
        }

        func (c *Cache) Put(p *Page) {
        \tc.items[p.Key] = c.lru.PushFront(p)
        \tc.index(p)
        \tfor c.lru.Len() > 100 {
        \t\tc.evict()
        \t}
        }

        func (c *Cache) index(p *Page) {
        \tc.byTag[p.Tag] = append(c.byTag[p.Tag], p)
        }

        func (c *Cache) evict() {
        \tp := c.lru.Remove(c.lru.Back()).(*Page)
        \tdelete(c.items, p.Key)
        }

        func render(p *Page) []byte {
        \treturn make([]byte, 32<<10)
        }

        func load(key string) *Page {
        \tp := &Page{Key: key}
        \tp.Body = render(p)
        \treturn p
        }

        func serve(c *Cache, key string) {
        \tp := load(key)
        \tc.Put(p)
        }
        """

    @Test func aKeeperTwoCallsUpAndOneCallDownIsNamed() {
        let result = Self.check(Self.twoCallsUp, "main.render", ["return make([]byte, 32<<10)"])
        HardNegativeTests.expectConfirmed(result, "c.byTag[p.Tag] = append(c.byTag[p.Tag], p)")
        #expect(result.holder == "main.(*Cache).index", "\(result)")
    }

    @Test func aKeeperWhoseIndexEvictionPrunesIsNot() {
        let pruned = Self.twoCallsUp.replacingOccurrences(of: "\tdelete(c.items, p.Key)\n", with: "\tdelete(c.items, p.Key)\n\tdelete(c.byTag, p.Tag)\n")
        HardNegativeTests.expectNotConfirmed(Self.check(pruned, "main.render", ["return make([]byte, 32<<10)"]))
    }

    /// Orders reach the book's map through a channel (found by the map's value type); `cancel`
    /// marks them and only `fulfil`, another case of the dispatcher, deletes (blind batch 6's
    /// t-order-status-tombstone). `close` marks and then forgets, on one path: not a soft delete.
    static func orders(close: String) -> String {
        """
        package main

        type Order struct {
        \tID     uint64
        \tStatus string
        \tLines  []byte
        }

        type book struct {
        \torders map[uint64]*Order
        \tin     chan *Order
        \tops    chan op
        }

        type op struct {
        \tkind string
        \tid   uint64
        }

        func (b *book) loop() {
        \tfor {
        \t\tselect {
        \t\tcase o := <-b.in:
        \t\t\tb.orders[o.ID] = o
        \t\tcase x := <-b.ops:
        \t\t\tswitch x.kind {
        \t\t\tcase "cancel":
        \t\t\t\tb.cancel(x.id)
        \t\t\tcase "fulfil":
        \t\t\t\tb.fulfil(x.id)
        \t\t\tcase "close":
        \t\t\t\t\(close)
        \t\t\t}
        \t\t}
        \t}
        }

        func (b *book) cancel(id uint64) {
        \to, ok := b.orders[id]
        \tif !ok {
        \t\treturn
        \t}
        \to.Status = "cancelled"
        }

        func (b *book) fulfil(id uint64) {
        \tdelete(b.orders, id)
        }

        func build(id uint64) *Order {
        \treturn &Order{ID: id, Lines: make([]byte, 4096)}
        }
        """
    }

    @Test func aSoftDeleteWithTheRealDeleteOnAnotherPathIsConfirmed() {
        let result = Self.check(Self.orders(close: "b.fulfil(x.id)"), "main.build", ["return &Order{ID: id, Lines: make([]byte, 4096)}"])
        HardNegativeTests.expectConfirmed(result, "o.Status = \"cancelled\"")
        #expect(result.holder == "main.(*book).cancel" && result.reason.contains("only on other paths"), "\(result)")
    }

    @Test func aMarkFollowedByADeleteOnTheSamePathIsNotASoftDelete() {
        // Every call of cancel is followed by fulfil on its path.
        let source = Self.orders(close: "b.fulfil(x.id)")
            .replacingOccurrences(of: "\t\t\t\tb.cancel(x.id)\n", with: "\t\t\t\tb.cancel(x.id)\n\t\t\t\tb.fulfil(x.id)\n")
        HardNegativeTests.expectNotConfirmed(Self.check(source, "main.build", ["return &Order{ID: id, Lines: make([]byte, 4096)}"]))
    }

    @Test(arguments: [
        ("Active", "false", true), ("Enabled", "false", true), ("Closed", "true", true), ("Deleted", "true", true),
        ("Status", "\"cancelled\"", true), ("State", "StateExpired", true), ("DeletedAt", "time.Now()", true),
        ("Active", "true", false), ("Closed", "false", false), ("Status", "\"paid\"", false), ("Count", "0", false),
        ("UpdatedAt", "time.Now()", false), ("Ready", "false", false),
    ])
    func deadMarks(field: String, value: String, dead: Bool) {
        #expect(DeleteKeepsValueCheck.marksDead(field: field, value: value) == dead)
    }
}
