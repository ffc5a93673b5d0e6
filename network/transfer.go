package network

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// MessageSizes are the sizes, in bytes, of the parts of the messages the
// nodes exchange, from which each message's size follows:
//
//   - a find request: Header + Key;
//   - its answer: Header + Peers x PeerRecord, + Value bytes when it
//     carries the value;
//   - a store: Header + Key + the value's bytes; its acknowledgement:
//     Header.
type MessageSizes struct {
	// Header is every message's framing: protocol, type, ids, lengths.
	Header int
	// Key is a key's bytes.
	Key int
	// PeerRecord is one peer of an answer: its id and addresses.
	PeerRecord int
}

// DefaultSizes are go-dht's message sizes: a 64-byte header, a 32-byte key
// (a multihash of SHA-256), 100-byte peer records (a libp2p peer id of 38
// bytes and two or three multiaddrs). They are estimates of
// go-libp2p-kad-dht's protobuf messages, not measurements.
var DefaultSizes = MessageSizes{Header: 64, Key: 32, PeerRecord: 100}

// MaxMessagePart bounds each part of MessageSizes.
const MaxMessagePart = 1 << 20

func (s MessageSizes) validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"Sizes.Header", s.Header}, {"Sizes.Key", s.Key}, {"Sizes.PeerRecord", s.PeerRecord}} {
		if f.v < 0 || f.v > MaxMessagePart {
			return invalid(f.name, f.v, "0..%d bytes", MaxMessagePart)
		}
	}
	return nil
}

// Sizes returns the network's message sizes: Config.Sizes, or DefaultSizes
// when it is zero.
func (n *Network) Sizes() MessageSizes {
	if n.cfg.Sizes == (MessageSizes{}) {
		return DefaultSizes
	}
	return n.cfg.Sizes
}

// FindRequestSize returns the size of a find request.
func (s MessageSizes) FindRequestSize() int { return s.Header + s.Key }

// AnswerSize returns the size of an answer of peers peers and value bytes
// of value.
func (s MessageSizes) AnswerSize(peers, value int) int { return s.Header + peers*s.PeerRecord + value }

// StoreSize returns the size of a store of value bytes.
func (s MessageSizes) StoreSize(value int) int { return s.Header + s.Key + value }

// AckSize returns the size of a store's acknowledgement.
func (s MessageSizes) AckSize() int { return s.Header }

// Load is what a node sent and received, with bandwidth on.
type Load struct {
	SentBytes, RecvBytes int64
	SentMsgs, RecvMsgs   int64
}

// transfers is the bandwidth state of the network: each node's upload and
// download rates, when each of its directions is next free, and what it
// sent and received. Messages leave a node one after another, each taking
// size / upload rate, then the link's one-way delay, then size / download
// rate at the receiver, behind what that node is already receiving.
type transfers struct {
	mu     sync.Mutex // guards the fields below
	up     []float64  // bytes a second, by node; +Inf unlimited
	down   []float64
	upFree []time.Duration // when the node's upload is next free
	dnFree []time.Duration
	load   []Load
}

// Bandwidth reports whether messages have sizes and take time to
// serialize: some node's rate is limited (Config.Upload, Config.Download,
// or SetRates).
func (n *Network) Bandwidth() bool {
	return n.rates.Load() != nil || !n.cfg.Upload.Unlimited() || !n.cfg.Download.Unlimited()
}

// SetRates gives each node its upload and download rates in bytes a second
// (+Inf for no limit), instead of the draws from Config.Upload and
// Config.Download: a DAS study draws them from each node's class. rates
// must be a pure function of the id. Call it before any operation.
func (n *Network) SetRates(rates func(id uint32) (up, down float64)) {
	n.rates.Store(&rates)
	n.tr.mu.Lock()
	n.tr.up, n.tr.down = nil, nil
	n.tr.mu.Unlock()
}

// rate returns node id's rates: from SetRates, else drawn from the
// Config's specs with a stream of (seed, id). Caller holds tr.mu.
func (n *Network) rate(id uint32) (up, down float64) {
	tr := &n.tr
	if int(id) < len(tr.up) && tr.up[id] != 0 {
		return tr.up[id], tr.down[id]
	}
	if r := n.rates.Load(); r != nil {
		up, down = (*r)(id)
	} else {
		g := rand.New(rand.NewPCG(n.root^0x72617465, uint64(id))) // "rate"
		up, down = n.cfg.Upload.Sample(g), n.cfg.Download.Sample(g)
	}
	if !(up > 0) || !(down > 0) {
		panic(fmt.Sprintf("network: node %d rates %v up, %v down: not above 0", id, up, down))
	}
	n.grow(int(id) + 1)
	tr.up[id], tr.down[id] = up, down
	return up, down
}

// grow makes the per-node slices hold n nodes. Caller holds tr.mu.
func (n *Network) grow(size int) {
	tr := &n.tr
	if size <= len(tr.up) {
		return
	}
	size = max(size, n.dir.Len(), 2*len(tr.up))
	extend := func(s []float64) []float64 { return append(s, make([]float64, size-len(s))...) }
	tr.up, tr.down = extend(tr.up), extend(tr.down)
	tr.upFree = append(tr.upFree, make([]time.Duration, size-len(tr.upFree))...)
	tr.dnFree = append(tr.dnFree, make([]time.Duration, size-len(tr.dnFree))...)
	tr.load = append(tr.load, make([]Load, size-len(tr.load))...)
}

// serialize returns how long size bytes take at rate bytes a second.
func serialize(size int, rate float64) time.Duration {
	if math.IsInf(rate, 1) || size == 0 {
		return 0
	}
	return time.Duration(math.Ceil(float64(size) / rate * float64(time.Second)))
}

// Transfer sends a message of size bytes from node from to node to,
// handed to from's upload at time at, over a link of one-way delay delay:
// it leaves once from's upload is free and has serialized it, crosses the
// link, and arrives once to's download is free and has received it. It
// returns the arrival time and counts the bytes and the message at both
// ends. With bandwidth off it returns at + delay.
func (n *Network) Transfer(from, to uint32, size int, at, delay time.Duration) time.Duration {
	if !n.Bandwidth() {
		return at + delay
	}
	tr := &n.tr
	tr.mu.Lock()
	defer tr.mu.Unlock()
	upRate, _ := n.rate(from)
	_, downRate := n.rate(to)
	start := max(at, tr.upFree[from])
	sent := start + serialize(size, upRate)
	tr.upFree[from] = sent
	land := sent + delay
	done := max(land, tr.dnFree[to]) + serialize(size, downRate)
	tr.dnFree[to] = done
	tr.load[from].SentBytes += int64(size)
	tr.load[from].SentMsgs++
	tr.load[to].RecvBytes += int64(size)
	tr.load[to].RecvMsgs++
	return done
}

// UploadIdle returns when node id's upload is next free: when the last
// byte of the messages it was handed so far has left it. 0 with bandwidth
// off, or for a node that sent nothing.
func (n *Network) UploadIdle(id uint32) time.Duration {
	n.tr.mu.Lock()
	defer n.tr.mu.Unlock()
	if int(id) >= len(n.tr.upFree) {
		return 0
	}
	return n.tr.upFree[id]
}

// Loads returns what every node sent and received, by id (nodes with no
// traffic are zero), with bandwidth on; nil otherwise.
func (n *Network) Loads() []Load {
	n.tr.mu.Lock()
	defer n.tr.mu.Unlock()
	return append([]Load(nil), n.tr.load...)
}
