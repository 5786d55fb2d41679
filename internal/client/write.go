package client

import (
	"context"
	"time"
)

// writeGracePeriod is how long a write (a create, an update or a delete) that is already under way
// is seen through after its caller's context ends. Terraform cancels the provider's contexts when
// the user interrupts an apply (SIGINT) and then waits for the running operations to return: a
// write whose request is in flight must learn whether the API carried it out, or the state would
// not record what exists: a created object would be an orphan (and a name conflict on the next
// apply), a deleted one would stay in the state and be reported as deleted outside Terraform.
const writeGracePeriod = 30 * time.Second

// beginWrite returns the context a write runs in: it keeps ctx's values (the loggers) but ends
// only the grace period (writeGracePeriod) after ctx does. A write whose ctx has already ended
// is not begun, so an interrupt still stops new work at once.
func (c *Client) beginWrite(ctx context.Context) (context.Context, context.CancelFunc, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	detached, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		timer := time.NewTimer(c.writeGrace)
		defer timer.Stop()
		select {
		case <-timer.C:
			cancel()
		case <-detached.Done():
		}
	})
	return detached, func() {
		stop()
		cancel()
	}, nil
}
