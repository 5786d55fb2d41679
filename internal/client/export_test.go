package client

import (
	"context"
	"time"
)

// GatherCreates makes c send a batch of API-key creates once it holds n of them, however long that
// takes, so that a test knows exactly which calls share a request.
func GatherCreates(c *Client, n int) { gatherExactly(c.keyCreates, n) }

// GatherDeletes is GatherCreates for API-key deletes.
func GatherDeletes(c *Client, n int) { gatherExactly(c.keyDeletes, n) }

func gatherExactly[In, Out any](g *gatherer[In, Out], n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.max, g.quiet, g.longest = n, time.Hour, time.Hour
	g.round, g.roundKnown = n, true
}

// GatheredCreates is how many API-key creates wait in c's open batch.
func GatheredCreates(c *Client) int { return gathered(c.keyCreates) }

// GatheredDeletes is how many API-key deletes wait in c's open batch.
func GatheredDeletes(c *Client) int { return gathered(c.keyDeletes) }

func gathered[In, Out any](g *gatherer[In, Out]) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open == nil {
		return 0
	}
	return len(g.open.items)
}

// RolePermissions reads a role's permission keys from /roles/{id}/permissions, as GetRole does
// when the role's body has none.
func RolePermissions(ctx context.Context, c *Client, id string) ([]string, error) {
	return c.getRolePermissions(ctx, id)
}

// SetWriteGrace shortens how long c sees a write through after its caller's context ends.
func SetWriteGrace(c *Client, d time.Duration) { c.writeGrace = d }
