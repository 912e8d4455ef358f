import Testing

@testable import GoSource

/// Look-alikes of the four patterns, which must not be confirmed, each next to the broken code
/// it resembles, which must be (so that a check that stopped firing fails here too).
@Suite struct HardNegativeTests {
    /// Checks `pattern` at `function` of `source`, with the lines of `hot` statements as hot lines.
    static func check(_ source: String, _ pattern: MapPattern, _ function: String, _ hot: [String]) -> ShapeResult {
        let file = GoFile(path: "snippet.go", text: source)
        let start = file.start(of: function)
        #expect(start > 0, "\(function) missing")
        let lines = file.hotLines(hot, from: start)
        #expect(lines.allSatisfy { $0.line > 0 }, "hot statement missing: \(hot)")
        return ShapeChecker(file: file).check(pattern, function: function, hotLines: lines)
    }

    static func expectNotConfirmed(_ result: ShapeResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != .confirmed, "\(result)", sourceLocation: sourceLocation)
    }

    static func expectConfirmed(_ result: ShapeResult, _ statement: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == .confirmed && result.statement == statement, "\(result)", sourceLocation: sourceLocation)
    }

    // MARK: AP1 look-alikes

    static let rangeSnippets = """
        package main

        type Item struct {
        \tID   int
        \tName string
        }

        type Index struct {
        \tbyName map[string]*Item
        \tbyID   map[int]*Item
        \tsizes  []int
        }

        // Building a different map inside the range, swapped in after the loop.
        func (ix *Index) Rebuild() {
        \tbyID := make(map[int]*Item, len(ix.byName))
        \tfor _, it := range ix.byName {
        \t\tbyID[it.ID] = it
        \t}
        \tix.byID = byID
        }

        // Deleting the current key inside the range: allowed by the spec.
        func (ix *Index) Drop(prefix string) {
        \tfor name := range ix.byName {
        \t\tif len(name) > 3 && name[:3] == prefix {
        \t\t\tdelete(ix.byName, name)
        \t\t}
        \t}
        }

        // Updating the current key's value.
        func normalize(scores map[string]float64, total float64) {
        \tfor name, s := range scores {
        \t\tscores[name] = s / total
        \t}
        \tfor k := range scores {
        \t\tscores[k]++
        \t}
        }

        // Reset and stop: the range does not continue over the old map.
        func (ix *Index) ResetOnFirst() {
        \tfor range ix.byName {
        \t\tix.byName = map[string]*Item{}
        \t\tbreak
        \t}
        \tfor name := range ix.byName {
        \t\tif len(name) > 10 {
        \t\t\tix.byName = nil
        \t\t\treturn
        \t\t}
        \t}
        }

        // A slice, not a map, reassigned in its own range.
        func (ix *Index) Grow() {
        \tfor _, n := range ix.sizes {
        \t\tix.sizes = append(ix.sizes, n)
        \t}
        }

        // The broken ones: inserting other keys, and reassigning, while ranging.
        func lower(m map[string]int) {
        \tfor k, v := range m {
        \t\tm[k+"-copy"] = v
        \t}
        }

        func (ix *Index) Shrink() {
        \tfor name := range ix.byName {
        \t\tnext := make(map[string]*Item)
        \t\tix.byName = next
        \t\t_ = name
        \t}
        }

        // A dense map ranged often (a hard negative of proflens's own): only reads.
        func total(prices map[string]float64) float64 {
        \tsum := 0.0
        \tfor _, p := range prices {
        \t\tsum += p
        \t}
        \treturn sum
        }

        // A closure called in the loop: inserting into the ranged map, or into another one.
        func (ix *Index) Book(now int) {
        \tbookNext := func(it *Item) {
        \t\tix.byName[it.Name+"-next"] = it
        \t}
        \tfor _, it := range ix.byName {
        \t\tbookNext(it)
        \t}
        }

        func (ix *Index) Mirror() {
        \tcopyTo := make(map[string]*Item)
        \tkeep := func(it *Item) {
        \t\tcopyTo[it.Name] = it
        \t}
        \tfor _, it := range ix.byName {
        \t\tkeep(it)
        \t}
        \tix.sizes = append(ix.sizes, len(copyTo))
        }
        """

    @Test func ap1LookAlikesAreNotConfirmed() {
        let s = Self.rangeSnippets
        Self.expectNotConfirmed(Self.check(s, .ap1, "main.(*Index).Rebuild", ["byID[it.ID] = it", "for _, it := range ix.byName {"]))
        Self.expectNotConfirmed(Self.check(s, .ap1, "main.(*Index).Drop", ["delete(ix.byName, name)"]))
        Self.expectNotConfirmed(Self.check(s, .ap1, "main.normalize", ["scores[name] = s / total", "scores[k]++"]))
        Self.expectNotConfirmed(Self.check(s, .ap1, "main.(*Index).ResetOnFirst", ["ix.byName = map[string]*Item{}", "ix.byName = nil"]))
        Self.expectNotConfirmed(Self.check(s, .ap1, "main.(*Index).Grow", ["ix.sizes = append(ix.sizes, n)"]))
        Self.expectNotConfirmed(Self.check(s, .ap1, "main.total", ["sum += p", "for _, p := range prices {"]))
        Self.expectNotConfirmed(Self.check(s, .ap1, "main.(*Index).Mirror", ["keep(it)"]))
    }

    @Test func ap1BrokenCounterpartsAreConfirmed() {
        let s = Self.rangeSnippets
        Self.expectConfirmed(Self.check(s, .ap1, "main.lower", ["m[k+\"-copy\"] = v"]), "m[k+\"-copy\"] = v")
        Self.expectConfirmed(Self.check(s, .ap1, "main.(*Index).Shrink", ["next := make(map[string]*Item)"]), "ix.byName = next")
        Self.expectConfirmed(Self.check(s, .ap1, "main.(*Index).Book", ["bookNext(it)"]), "bookNext(it)")
    }

    /// Calls in the loop, followed one level: a method of the receiver whose ranged map is a
    /// field of it, and a closure defined before the loop.
    static let callSnippets = """
        package main

        type Graph struct {
        \tedges map[string][]string
        \tother map[string][]string
        }

        func (g *Graph) link(a, b string) {
        \tg.edges[a+"/"+b] = nil
        }

        func (g *Graph) reset() {
        \tg.edges = make(map[string][]string)
        }

        func (x *Graph) churn(a string) {
        \tx.edges[a+"-x"] = nil
        \tx.edges = make(map[string][]string)
        }

        func (g *Graph) note(a string) {
        \tg.other[a] = nil
        }

        func (g *Graph) Expand() {
        \tfor a := range g.edges {
        \t\tg.link(a, a)
        \t}
        }

        func (g *Graph) Refresh() {
        \tfor a := range g.edges {
        \t\tg.reset()
        \t\t_ = a
        \t}
        }

        func (g *Graph) Churn() {
        \tfor a := range g.edges {
        \t\tg.churn(a)
        \t}
        }

        func (g *Graph) Note() {
        \tfor a := range g.edges {
        \t\tg.note(a)
        \t}
        }

        func (g *Graph) Copy(h *Graph) {
        \tfor a := range g.edges {
        \t\th.link(a, a)
        \t}
        }

        func (g *Graph) Grow() {
        \tgrow := func(a string) {
        \t\tg.edges[a+"-y"] = nil
        \t\tg.edges = nil
        \t}
        \tfor a := range g.edges {
        \t\tgrow(a)
        \t}
        }
        """

    @Test func ap1CallsInTheLoopAreFollowedOneLevel() {
        let s = Self.callSnippets
        func expect(_ function: String, _ call: String, _ shape: ShapeKind, _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let result = Self.check(s, .ap1, function, [call])
            Self.expectConfirmed(result, call, sourceLocation: sourceLocation)
            #expect(result.shape == shape && result.reason.hasPrefix(reason), "\(result)", sourceLocation: sourceLocation)
        }
        expect("main.(*Graph).Expand", "g.link(a, a)", .rangeInsert, "g.link() inserts into g.edges (line 9: `g.edges[a+\"/\"+b] = nil`)")
        expect("main.(*Graph).Refresh", "g.reset()", .rangeReassign, "g.reset() reassigns g.edges (line 13: `g.edges = make(map[string][]string)`)")
        // A method that inserts and then swaps in a new map: the reassignment, named as the callee names it.
        expect("main.(*Graph).Churn", "g.churn(a)", .rangeReassign, "g.churn() reassigns g.edges (line 18: `x.edges = make(map[string][]string)`)")
        // A closure: its first write of the map.
        expect("main.(*Graph).Grow", "grow(a)", .rangeInsert, "grow() inserts into g.edges (line 58: `g.edges[a+\"-y\"] = nil`)")
        // Another map, and another receiver's map, are not the ranged one.
        Self.expectNotConfirmed(Self.check(s, .ap1, "main.(*Graph).Note", ["g.note(a)"]))
        Self.expectNotConfirmed(Self.check(s, .ap1, "main.(*Graph).Copy", ["h.link(a, a)"]))
    }

    // MARK: AP2 look-alikes

    static let goroutineSnippets = """
        package main

        import (
        \t"net/http"
        \t"sync"
        )

        type Stats struct {
        \tmu   sync.Mutex
        \thits map[string]int
        }

        // A map written under mu.Lock() in goroutines.
        func (s *Stats) worker(keys <-chan string) {
        \tfor k := range keys {
        \t\ts.mu.Lock()
        \t\ts.hits[k]++
        \t\ts.mu.Unlock()
        \t}
        }

        // The same without the lock: broken.
        func (s *Stats) racyWorker(keys <-chan string) {
        \tfor k := range keys {
        \t\ts.hits[k]++
        \t}
        }

        func run(s *Stats, keys chan string) {
        \tfor i := 0; i < 4; i++ {
        \t\tgo s.worker(keys)
        \t\tgo s.racyWorker(keys)
        \t}
        }

        func count() map[int]int {
        \tvar mu sync.Mutex
        \tcounts := make(map[int]int)
        \tvar wg sync.WaitGroup
        \tfor i := 0; i < 8; i++ {
        \t\twg.Add(1)
        \t\tgo func(id int) {
        \t\t\tdefer wg.Done()
        \t\t\tmu.Lock()
        \t\t\tcounts[id%4]++
        \t\t\tmu.Unlock()
        \t\t}(i)
        \t}
        \tfor i := 0; i < 8; i++ {
        \t\tgo func(id int) {
        \t\t\tcounts[id%4]--
        \t\t}(i)
        \t}
        \twg.Wait()
        \treturn counts
        }

        // A goroutine's own map.
        func spawn() {
        \tfor i := 0; i < 3; i++ {
        \t\tgo func() {
        \t\t\tlocal := make(map[int]bool)
        \t\t\tlocal[1] = true
        \t\t}()
        \t}
        }

        // sync.Map used read-mostly: written only on a Load miss, or once at start.
        type Template struct{ src string }

        var templates sync.Map

        func lookup(name string) *Template {
        \tif t, ok := templates.Load(name); ok {
        \t\treturn t.(*Template)
        \t}
        \tt := &Template{src: name}
        \tactual, _ := templates.LoadOrStore(name, t)
        \treturn actual.(*Template)
        }

        var flags sync.Map

        func setup() { flags.Store("beta", true) }

        func enabled(name string) bool {
        \tv, ok := flags.Load(name)
        \treturn ok && v.(bool)
        }

        func handle(w http.ResponseWriter, r *http.Request) {
        \tlookup(r.URL.Path)
        \tenabled("beta")
        }

        // Deleting inside Range is allowed.
        func purge(m *sync.Map) {
        \tm.Range(func(k, v any) bool {
        \t\tm.Delete(k)
        \t\treturn true
        \t})
        }

        // Write-heavy sync.Map per request: broken.
        var sessions sync.Map

        func login(w http.ResponseWriter, r *http.Request) {
        \tsessions.Store(r.RemoteAddr, r.URL.Path)
        }

        // An often-taken lock with a short critical section (uncontended or not, the shape is fine).
        type Counter struct {
        \tmu sync.Mutex
        \tn  map[string]int
        }

        func (c *Counter) Inc(k string) {
        \tc.mu.Lock()
        \tc.n[k]++
        \tc.mu.Unlock()
        }

        // Locks held across work the map needs (a value made on a miss), or work with no
        // inputs (global state, which the lock may serialize), or error values.
        type Entry struct{ s string }

        type Interner struct {
        \tmu   sync.Mutex
        \tvals map[string]*Entry
        }

        func newEntry(s string) *Entry { return &Entry{s} }

        func loadAll() (string, *Entry) { return "", nil }

        func (in *Interner) Get(s string) *Entry {
        \tin.mu.Lock()
        \tdefer in.mu.Unlock()
        \tif e, ok := in.vals[s]; ok {
        \t\treturn e
        \t}
        \te := newEntry(s)
        \tin.vals[s] = e
        \treturn e
        }

        func (in *Interner) Load() error {
        \tin.mu.Lock()
        \tdefer in.mu.Unlock()
        \tpath, data := loadAll()
        \tif data == nil {
        \t\treturn fmt.Errorf("no data at %s", path)
        \t}
        \tin.vals[path] = data
        \treturn nil
        }

        // The broken one: the key is built under the one lock, from the parameters.
        type Registry struct {
        \tmu     sync.Mutex
        \tseries map[string]int
        }

        func seriesKey(name string, labels []string) string { return name }

        func (r *Registry) Observe(name string, labels []string) {
        \tr.mu.Lock()
        \tkey := seriesKey(name, labels)
        \tr.series[key]++
        \tr.mu.Unlock()
        }

        // One map per goroutine: a receiver, an argument or a captured map made per iteration.
        type Worker struct {
        \tseen map[string]bool
        }

        func (w *Worker) run(in <-chan string) {
        \tfor s := range in {
        \t\tw.seen[s] = true
        \t}
        }

        func startAll(ws []*Worker, in chan string) {
        \tfor _, w := range ws {
        \t\tgo w.run(in)
        \t}
        \tfor i := 0; i < 4; i++ {
        \t\tw := &Worker{seen: map[string]bool{}}
        \t\tgo w.run(in)
        \t}
        }

        func fill(m map[int]int) {
        \tfor i := 0; i < 10; i++ {
        \t\tm[i] = i
        \t}
        }

        func startFill() {
        \tfor i := 0; i < 4; i++ {
        \t\tgo fill(make(map[int]int))
        \t}
        }

        func startClosures() {
        \tfor i := 0; i < 4; i++ {
        \t\town := map[int]int{}
        \t\tgo func() {
        \t\t\town[i] = i
        \t\t}()
        \t}
        }

        // Map-heavy request handling, JSON into a local map.
        func decode(w http.ResponseWriter, r *http.Request) {
        \tbody := map[string]any{}
        \tout := make(map[string]any)
        \tfor k, v := range body {
        \t\tout[k] = v
        \t}
        }
        """

    @Test func ap2LookAlikesAreNotConfirmed() {
        let s = Self.goroutineSnippets
        Self.expectNotConfirmed(Self.check(s, .ap2, "main.(*Stats).worker", ["s.hits[k]++", "s.mu.Lock()"]))
        Self.expectNotConfirmed(Self.check(s, .ap2, "main.count.func1", ["counts[id%4]++"]))
        Self.expectNotConfirmed(Self.check(s, .ap2, "main.spawn.func1", ["local[1] = true"]))
        Self.expectNotConfirmed(Self.check(s, .ap2, "main.lookup", ["templates.Load(name)"]))
        Self.expectNotConfirmed(Self.check(s, .ap2, "main.lookup", ["templates.LoadOrStore(name, t)"]))
        Self.expectNotConfirmed(Self.check(s, .ap2, "main.enabled", ["v, ok := flags.Load(name)"]))
        Self.expectNotConfirmed(Self.check(s, .ap2, "main.purge.func1", ["m.Delete(k)"]))
        Self.expectNotConfirmed(Self.check(s, .ap2, "main.(*Counter).Inc", ["c.mu.Lock()", "c.n[k]++", "c.mu.Unlock()"]))
        Self.expectNotConfirmed(Self.check(s, .ap2, "main.decode", ["out[k] = v"]))
        Self.expectNotConfirmed(Self.check(s, .ap2, "main.(*Worker).run", ["w.seen[s] = true"]))
        Self.expectNotConfirmed(Self.check(s, .ap2, "main.fill", ["m[i] = i"]))
        Self.expectNotConfirmed(Self.check(s, .ap2, "main.startClosures.func1", ["own[i] = i"]))
        Self.expectNotConfirmed(Self.check(s, .ap2, "main.(*Interner).Get", ["in.mu.Lock()", "e := newEntry(s)", "in.vals[s] = e"]))
        Self.expectNotConfirmed(Self.check(s, .ap2, "main.(*Interner).Load", ["in.mu.Lock()", "path, data := loadAll()"]))
    }

    @Test func ap2BrokenCounterpartsAreConfirmed() {
        let s = Self.goroutineSnippets
        Self.expectConfirmed(Self.check(s, .ap2, "main.(*Stats).racyWorker", ["s.hits[k]++"]), "s.hits[k]++")
        Self.expectConfirmed(Self.check(s, .ap2, "main.count.func2", ["counts[id%4]--"]), "counts[id%4]--")
        Self.expectConfirmed(Self.check(s, .ap2, "main.login", ["sessions.Store(r.RemoteAddr, r.URL.Path)"]), "sessions.Store(r.RemoteAddr, r.URL.Path)")
        Self.expectConfirmed(Self.check(s, .ap2, "main.(*Registry).Observe", ["r.mu.Lock()", "r.series[key]++"]), "r.mu.Lock()")
    }

    // MARK: AP3 look-alikes

    static let deleteSnippets = """
        package main

        type Conn struct{ ID uint64 }

        func (c *Conn) Close() {}

        type Conns struct {
        \tm map[uint64]*Conn
        }

        func (c *Conns) Add(x *Conn) { c.m[x.ID] = x }

        // delete with no other reference: the value is collected.
        func (c *Conns) Drop(id uint64) {
        \tif x, ok := c.m[id]; ok {
        \t\tx.Close()
        \t\tdelete(c.m, id)
        \t}
        }

        type Job struct{ ID int }

        type Jobs struct {
        \tactive  map[int]*Job
        \thistory []*Job
        \tcounts  map[string]int
        \tseen    map[string]struct{}
        \terrs    map[string]error
        \tdoc     map[string]any
        \tslots   []*Job
        \tlast    []*Job
        }

        // Resets and set members: real values, not deletes.
        func (j *Jobs) Reset(k string) {
        \tj.counts[k] = 0
        \tj.seen[k] = struct{}{}
        \tj.errs[k] = nil
        \tj.doc[k] = nil
        \tj.slots[0] = nil
        }

        // The value is appended to history, but history is trimmed.
        func (j *Jobs) Start(x *Job) {
        \tj.active[x.ID] = x
        \tj.last = append(j.last, x)
        \tif len(j.last) > 100 {
        \t\tj.last = j.last[1:]
        \t}
        }

        func (j *Jobs) Finish(id int) {
        \tdelete(j.active, id)
        }

        // Kept in a ring slot and a single field: a bounded number of values.
        type Recent struct {
        \tlive map[string]*Job
        \tring [16]*Job
        \tpos  int
        \tlast *Job
        }

        func (r *Recent) Add(id string, x *Job) {
        \tr.live[id] = x
        \tr.ring[r.pos%16] = x
        \tr.pos++
        \tr.last = x
        }

        func (r *Recent) Remove(id string) {
        \tdelete(r.live, id)
        }

        // A negative cache: nil means "known missing".
        type Addr struct{ ip string }

        type Resolver struct {
        \tcache map[string]*Addr
        }

        func (r *Resolver) Lookup(host string) *Addr {
        \tif a, ok := r.cache[host]; ok {
        \t\treturn a
        \t}
        \tr.cache[host] = nil
        \treturn nil
        }

        // A negative cache filled under the miss: nil means "known missing".
        func (r *Resolver) Miss(host string) {
        \tif _, ok := r.cache[host]; !ok {
        \t\tr.cache[host] = nil
        \t}
        }

        // The miss returns first: the nil store empties an entry that exists (a "delete").
        func (r *Resolver) Forget(host string) {
        \ta, ok := r.cache[host]
        \tif !ok || a == nil {
        \t\treturn
        \t}
        \tr.cache[host] = nil
        }

        // The broken ones: a value kept in a never-trimmed slice; nil stored for delete.
        type Uploads struct {
        \tlive   map[string]*Job
        \tdone   map[string]*Job
        \trecent []*Job
        }

        func (u *Uploads) Begin(id string, x *Job) {
        \tu.live[id] = x
        \tu.recent = append(u.recent, x)
        }

        func (u *Uploads) End(id string) {
        \tdelete(u.live, id)
        \tu.done[id] = nil
        }
        """

    @Test func ap3LookAlikesAreNotConfirmed() {
        let s = Self.deleteSnippets
        Self.expectNotConfirmed(Self.check(s, .ap3, "main.(*Conns).Drop", ["delete(c.m, id)"]))
        Self.expectNotConfirmed(Self.check(s, .ap3, "main.(*Jobs).Reset", ["j.counts[k] = 0", "j.seen[k] = struct{}{}", "j.errs[k] = nil", "j.doc[k] = nil", "j.slots[0] = nil"]))
        Self.expectNotConfirmed(Self.check(s, .ap3, "main.(*Jobs).Finish", ["delete(j.active, id)"]))
        Self.expectNotConfirmed(Self.check(s, .ap3, "main.(*Resolver).Lookup", ["r.cache[host] = nil"]))
        Self.expectNotConfirmed(Self.check(s, .ap3, "main.(*Resolver).Miss", ["r.cache[host] = nil"]))
        Self.expectNotConfirmed(Self.check(s, .ap3, "main.(*Recent).Remove", ["delete(r.live, id)"]))
    }

    @Test func ap3BrokenCounterpartsAreConfirmed() {
        let s = Self.deleteSnippets
        let kept = Self.check(s, .ap3, "main.(*Uploads).End", ["delete(u.live, id)"])
        // The statement with the shape is the one that keeps the value, in the function that holds it.
        Self.expectConfirmed(kept, "u.recent = append(u.recent, x)")
        #expect(kept.shape == .deletedValueKept && kept.reason.contains("delete(u.live, id)"))
        #expect(kept.holder == "main.(*Uploads).Begin")
        let nilStore = Self.check(s, .ap3, "main.(*Uploads).End", ["u.done[id] = nil"])
        Self.expectConfirmed(nilStore, "u.done[id] = nil")
        Self.expectConfirmed(Self.check(s, .ap3, "main.(*Resolver).Forget", ["r.cache[host] = nil"]), "r.cache[host] = nil")
        #expect(nilStore.holder == nil)
    }

    // MARK: AP4 look-alikes

    static let shrinkSnippets = """
        package main

        type S struct{ exp int64 }

        // Pruned, then re-made when far below the peak: the fix.
        type Sessions struct {
        \tm    map[string]*S
        \tpeak int
        }

        func (s *Sessions) Prune(now int64) {
        \tfor id, x := range s.m {
        \t\tif x.exp < now {
        \t\t\tdelete(s.m, id)
        \t\t}
        \t}
        \tif len(s.m) < s.peak/4 {
        \t\tfresh := make(map[string]*S, len(s.m))
        \t\tfor id, x := range s.m {
        \t\t\tfresh[id] = x
        \t\t}
        \t\ts.m = fresh
        \t\ts.peak = len(fresh)
        \t}
        }

        func (s *Sessions) Each(f func(*S)) {
        \tfor _, x := range s.m {
        \t\tf(x)
        \t}
        }

        // Emptied wholly with clear.
        type Batch struct {
        \tpending map[int]string
        }

        func (b *Batch) Flush(send func(int, string)) {
        \tfor k, v := range b.pending {
        \t\tsend(k, v)
        \t\tdelete(b.pending, k)
        \t}
        \tclear(b.pending)
        }

        // Never deleted from: a dense map ranged often.
        type Prices struct {
        \tbySKU map[string]float64
        }

        func (p *Prices) Total() float64 {
        \tt := 0.0
        \tfor _, v := range p.bySKU {
        \t\tt += v
        \t}
        \treturn t
        }

        // Churn, not pruning: a range that pops one entry and returns; one delete per event.
        type Queue struct {
        \tq map[int]*S
        }

        func (w *Queue) Pop() *S {
        \tfor id, s := range w.q {
        \t\tif s.exp > 0 {
        \t\t\tdelete(w.q, id)
        \t\t}
        \t\treturn s
        \t}
        \treturn nil
        }

        type Pending struct {
        \tcalls map[int]*S
        }

        func (p *Pending) Read(done chan int) {
        \tfor id := range done {
        \t\tdelete(p.calls, id)
        \t}
        }

        // A local map, filled and emptied in one call.
        func uniq(xs []string) int {
        \tseen := map[string]bool{}
        \tfor _, x := range xs {
        \t\tseen[x] = true
        \t}
        \tfor k := range seen {
        \t\tdelete(seen, k)
        \t}
        \treturn len(seen)
        }

        // The broken one: pruned key by key, never re-made.
        type Registry struct {
        \tconns map[uint64]*S
        }

        func (r *Registry) Sweep(now int64) {
        \tfor id, c := range r.conns {
        \t\tif c.exp < now {
        \t\t\tdelete(r.conns, id)
        \t\t}
        \t}
        }

        func (r *Registry) Broadcast() int {
        \tn := 0
        \tfor range r.conns {
        \t\tn++
        \t}
        \treturn n
        }
        """

    @Test func ap4LookAlikesAreNotConfirmed() {
        let s = Self.shrinkSnippets
        Self.expectNotConfirmed(Self.check(s, .ap4, "main.(*Sessions).Prune", ["for id, x := range s.m {", "delete(s.m, id)"]))
        Self.expectNotConfirmed(Self.check(s, .ap4, "main.(*Sessions).Each", ["for _, x := range s.m {"]))
        Self.expectNotConfirmed(Self.check(s, .ap4, "main.(*Batch).Flush", ["delete(b.pending, k)"]))
        Self.expectNotConfirmed(Self.check(s, .ap4, "main.(*Queue).Pop", ["delete(w.q, id)"]))
        Self.expectNotConfirmed(Self.check(s, .ap4, "main.(*Pending).Read", ["delete(p.calls, id)"]))
        Self.expectNotConfirmed(Self.check(s, .ap4, "main.uniq", ["delete(seen, k)", "for k := range seen {"]))
        let dense = Self.check(s, .ap4, "main.(*Prices).Total", ["for _, v := range p.bySKU {", "t += v"])
        #expect(dense.status == .contradicted, "\(dense)")
    }

    @Test func ap4BrokenCounterpartsAreConfirmed() {
        let s = Self.shrinkSnippets
        Self.expectConfirmed(Self.check(s, .ap4, "main.(*Registry).Sweep", ["for id, c := range r.conns {"]), "delete(r.conns, id)")
        Self.expectConfirmed(Self.check(s, .ap4, "main.(*Registry).Broadcast", ["for range r.conns {"]), "for range r.conns {")
    }
}
