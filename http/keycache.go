package http

import (
	"sync"
	"time"

	"porter"
)

// DefaultAPIKeyCacheTTL is how long a node trusts an API key it has read
// without reading it again (PORTER_API_KEY_CACHE_TTL). A key revoked on
// this node stops working at once; one revoked elsewhere (another node,
// `porter key revoke`) within this long.
const DefaultAPIKeyCacheTTL = 5 * time.Second

// keyCacheMax bounds the cache; a full cache starts over, which costs only
// a database read per key.
const keyCacheMax = 10000

// keyCache keeps the API keys requests authenticate with, by the SHA-256
// of their text, so that a busy key costs no database read per request.
// Entries are dropped when this process revokes any key (the Service's
// key generation moves) and after ttl.
type keyCache struct {
	ttl time.Duration // <= 0: no caching

	mu  sync.Mutex
	gen uint64
	m   map[[32]byte]cachedKey
}

type cachedKey struct {
	key *porter.APIKey
	at  time.Time // when it was read, on the monotonic clock
}

func newKeyCache(ttl time.Duration) *keyCache {
	return &keyCache{ttl: ttl, m: map[[32]byte]cachedKey{}}
}

// get returns the key read for hash within ttl, while gen is current.
func (c *keyCache) get(hash []byte, gen uint64) *porter.APIKey {
	if c.ttl <= 0 || len(hash) != 32 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		clear(c.m)
		c.gen = gen
		return nil
	}
	e, ok := c.m[[32]byte(hash)]
	if !ok || time.Since(e.at) >= c.ttl {
		return nil
	}
	return e.key
}

// put remembers key, read while gen was current: a key revoked during
// the read is not kept.
func (c *keyCache) put(hash []byte, key *porter.APIKey, gen uint64, at time.Time) {
	if c.ttl <= 0 || len(hash) != 32 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		if gen < c.gen {
			return
		}
		clear(c.m)
		c.gen = gen
	}
	if len(c.m) >= keyCacheMax {
		clear(c.m)
	}
	c.m[[32]byte(hash)] = cachedKey{key: key, at: at}
}
