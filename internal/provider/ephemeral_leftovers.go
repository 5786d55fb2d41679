package provider

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tfsdklog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// unclosedEphemeralKeys records the ephemeral keys this process opened and has not closed. Terraform
// skips Close when anything that uses the key failed, and when it is interrupted; it stops the
// provider all the same, at the end of the command, and DeleteUnclosedEphemeralKeys then deletes
// what is left. The record is the process's, not a providerData's: main reaches it after the server
// has stopped, when no configured provider is at hand. A process serves one provider configuration
// (each alias is a process of its own), so the keys of its record are that configuration's.
var unclosedEphemeralKeys = ephemeralKeyRecord{keys: map[string]recordedEphemeralKey{}}

// unclosedKeysDeleteTimeout bounds the delete of the keys left open. go-plugin, which stops the
// provider at the end of Terraform's command (Client.Kill), waits 2 seconds for the process to
// exit and then kills it: 1.5 seconds leaves the rest for the log lines saying what was deleted
// and the exit, so that the process is not killed in the middle of them.
const unclosedKeysDeleteTimeout = 1500 * time.Millisecond

// ephemeralKeyRecord is a record of opened ephemeral keys, by id.
type ephemeralKeyRecord struct {
	mu   sync.Mutex
	keys map[string]recordedEphemeralKey
}

// recordedEphemeralKey is an opened key and the client that can delete it.
type recordedEphemeralKey struct {
	client *client.Client
	key    openedAPIKey
}

// add records a key Open has created, before anything else can fail.
func (r *ephemeralKeyRecord) add(c *client.Client, key openedAPIKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys[key.ID] = recordedEphemeralKey{client: c, key: key}
}

// remove forgets a key that Close has deleted.
func (r *ephemeralKeyRecord) remove(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.keys, id)
}

// take empties the record and returns what it held, per client.
func (r *ephemeralKeyRecord) take() map[*client.Client][]openedAPIKey {
	r.mu.Lock()
	defer r.mu.Unlock()
	byClient := map[*client.Client][]openedAPIKey{}
	for _, k := range r.keys {
		byClient[k.client] = append(byClient[k.client], k.key)
	}
	clear(r.keys)
	return byClient
}

// DeleteUnclosedEphemeralKeys deletes the ephemeral API keys that this process opened and that
// Terraform did not close, in one batch, and logs by id and name what it deleted or could not.
// main calls it once the provider server has stopped. That is safe: an ephemeral value cannot
// outlive the command that opened it, and Terraform stops the provider only at the command's end,
// after everything that uses the provider. It returns within unclosedKeysDeleteTimeout.
func DeleteUnclosedEphemeralKeys(ctx context.Context) {
	// The server's loggers are gone with the server: this logger is the provider's own, at the
	// level Terraform asks of it (TF_LOG_PROVIDER), on the stderr Terraform reads.
	ctx = tfsdklog.NewRootProviderLogger(ctx, tfsdklog.WithStderrFromInit(), tfsdklog.WithLogName("visionone"),
		tflog.WithLevelFromEnv("TF_LOG_PROVIDER", "VISIONONE"))
	unclosedEphemeralKeys.deleteAll(ctx, unclosedKeysDeleteTimeout)
}

// deleteAll deletes every recorded key, one batch per client, and empties the record. It waits
// at most timeout: a delete still in flight then is given up on, and logged as not deleted.
func (r *ephemeralKeyRecord) deleteAll(ctx context.Context, timeout time.Duration) {
	byClient := r.take()
	if len(byClient) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var wg sync.WaitGroup
	for c, keys := range byClient {
		wg.Go(func() { deleteUnclosedKeys(ctx, c, keys) })
	}
	wg.Wait()
}

// deleteUnclosedKeys deletes keys with c as one batch and logs the outcome of each.
func deleteUnclosedKeys(ctx context.Context, c *client.Client, keys []openedAPIKey) {
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	tflog.Info(ctx, "Deleting the ephemeral API keys that Terraform did not close", map[string]any{"count": len(ids)})
	answer := make(chan error, 1)
	// A delete sent is seen through for a grace period past ctx (client.DeleteAPIKeys), longer than
	// the process has: it is waited for only until ctx ends.
	go func() { answer <- c.DeleteAPIKeys(ctx, ids...) }()
	var err error
	select {
	case err = <-answer:
	case <-ctx.Done():
		err = ctx.Err()
	}
	itemErrs := map[string]error{}
	var multi *client.MultiStatusError
	if errors.As(err, &multi) {
		for _, item := range multi.Items {
			itemErrs[item.Item] = item
		}
		err = nil
	}
	for _, k := range keys {
		fields := map[string]any{"id": k.ID, "name": k.Name}
		keyErr := err
		if e, ok := itemErrs[k.ID]; ok {
			keyErr = e
		}
		if keyErr == nil {
			tflog.Info(ctx, "Deleted an ephemeral API key that Terraform did not close", fields)
			continue
		}
		fields["error"] = keyErr.Error()
		fields["expires_at"] = k.ExpiresAt
		tflog.Error(ctx, "An ephemeral API key that Terraform did not close could not be deleted: it stays valid "+
			"until it expires, unless it is deleted. "+leftoverKeyAdvice, fields)
	}
}
