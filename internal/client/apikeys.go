package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// ListAPIKeys returns every API key matching filter (empty filter: all), following nextLink.
func (c *Client) ListAPIKeys(ctx context.Context, filter Filter) ([]APIKey, error) {
	return listAll[APIKey](ctx, c, apiKeysPath, filter)
}

// GetAPIKey returns one key's metadata with its ETag, or an error for which IsNotFound is true.
func (c *Client) GetAPIKey(ctx context.Context, id string) (*APIKey, error) {
	var key APIKey
	etag, err := c.getObject(ctx, objectPath(apiKeysPath, id), &key)
	if err != nil {
		return nil, err
	}
	key.Version = etag
	return &key, nil
}

// FindAPIKeyByName returns the key with this name (case-insensitive, as the API's uniqueness), or
// an error for which IsNotFound is true. It comes from the list, without an ETag. When the API's
// filter finds no key of that spelling, the whole list is searched.
func (c *Client) FindAPIKeyByName(ctx context.Context, name string) (*APIKey, error) {
	key, err := findByName(ctx, c.ListAPIKeys, name, true, func(k APIKey) string { return k.Name })
	if err != nil {
		return nil, err
	}
	if key == nil {
		return nil, notFound(apiKeysPath, fmt.Sprintf("no API key is named %q", name))
	}
	return key, nil
}

// CreateAPIKey creates one key through the batch endpoint and returns its id, secret and expiry.
// The secret is shown only once, so after an ambiguous failure a key found under this name that was
// created by this attempt is deleted and created again rather than adopted without its secret.
// A key of that name that is older than the attempt belongs to someone else: that is an error for
// which IsAlreadyExists is true, and nothing is deleted.
func (c *Client) CreateAPIKey(ctx context.Context, in APIKeyCreate) (*CreatedAPIKey, error) {
	stale := writing(c.caches.apiKeys)
	defer stale()
	ctx, done, err := beginCreate(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	var created *CreatedAPIKey
	send := func(ctx context.Context) error {
		resp, err := c.do(ctx, request{method: http.MethodPost, path: apiKeysPath, body: []APIKeyCreate{in},
			policy: retryUnprocessed, answerSecrets: createdKeyValues})
		if err != nil {
			return err
		}
		created, err = c.decodeCreatedAPIKey(resp, in.Name)
		return err
	}
	recoverFn := func(ctx context.Context, startedAt time.Time) (bool, error) {
		existing, err := c.FindAPIKeyByName(ctx, in.Name)
		if IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		start, err := c.serverTimeAt(ctx, startedAt)
		if err != nil {
			return false, err
		}
		createdAt, dated := existing.CreatedDateTime.Time()
		switch {
		case !dated:
			// Without a creation time the key cannot be told apart from someone else's: it is
			// left alone, and the user decides.
			return false, alreadyExists(apiKeysPath, fmt.Sprintf("an API key named %q (id %s)", in.Name, existing.ID),
				"but the API does not say when it was created, so it may be the one this request created without "+
					"its secret reaching us: check it in Administration → API Keys and delete or import it")
		case !createdSince(createdAt, start):
			return false, alreadyExists(apiKeysPath, fmt.Sprintf("an API key named %q (id %s)", in.Name, existing.ID),
				"and was not created by this request")
		}
		if err := c.DeleteAPIKeys(ctx, existing.ID); err != nil {
			return false, fmt.Errorf("deleting API key %s, created by the failed attempt without its secret reaching us: %w",
				existing.ID, err)
		}
		return false, nil
	}
	if err := c.createSafely(ctx, send, recoverFn); err != nil {
		return nil, err
	}
	return created, nil
}

// decodeCreatedAPIKey reads the one-item 207 answer of a create. The transport has already masked
// the answer's secrets in the request's log context (createdKeyValues); an item's error is cleaned
// of them too, and no other part of this body ever reaches an error. Each field of the body is read
// on its own, so that a field in an unexpected form cannot lose the id and the secret of a key that
// now exists: it is listed in Unreadable instead.
func (c *Client) decodeCreatedAPIKey(resp *response, name string) (*CreatedAPIKey, error) {
	items, err := decodeMultiStatus(http.MethodPost, apiKeysPath, resp, 1)
	if err != nil {
		return nil, err
	}
	item := items[0]
	if !item.ok() {
		return nil, item.itemError(http.MethodPost, apiKeysPath, name, resp, c.redactions(resp.secrets...))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(item.Body, &fields); err != nil {
		return nil, fmt.Errorf("POST %s: the API answered item status %d with a body that is not a JSON object", apiKeysPath, item.Status)
	}
	var key CreatedAPIKey
	if err := json.Unmarshal(fields["value"], &key.Value); err != nil || key.Value == "" {
		return nil, fmt.Errorf("POST %s: the API answered item status %d without the new key's value", apiKeysPath, item.Status)
	}
	redactions := c.redactions(resp.secrets...)
	if raw, ok := fields["id"]; ok {
		if err := json.Unmarshal(raw, &key.ID); err != nil {
			key.Unreadable = append(key.Unreadable, UnreadableField{Field: "id",
				Value: clean(string(raw), maxUnreadableValue, redactions)})
		}
	}
	if key.ID == "" {
		key.ID = idFromLocation(item.header("Location"))
	}
	if key.ID == "" {
		return nil, fmt.Errorf("POST %s: the API answered item status %d without the new key's id", apiKeysPath, item.Status)
	}
	_ = key.ExpiredDateTime.UnmarshalJSON(fields["expiredDateTime"]) // never fails
	if raw, ok := key.ExpiredDateTime.Unreadable(); ok {
		key.Unreadable = append(key.Unreadable, UnreadableField{Field: "expiredDateTime",
			Value: clean(raw, maxUnreadableValue, redactions)})
	}
	return &key, nil
}

// createdKeyValues finds the secrets of a create answer: the value of each of its items.
func createdKeyValues(body []byte) []string {
	var items []struct {
		Body struct {
			Value string `json:"value"`
		} `json:"body"`
	}
	if json.Unmarshal(body, &items) != nil {
		return nil
	}
	var values []string
	for _, item := range items {
		if item.Body.Value != "" {
			values = append(values, item.Body.Value)
		}
	}
	return values
}

// UpdateAPIKey patches a key with If-Match (see UpdateRole).
func (c *Client) UpdateAPIKey(ctx context.Context, id, version string, patch APIKeyPatch) error {
	stale := writing(c.caches.apiKeys)
	defer stale()
	ifMatch, err := ifMatchFor(ctx, version, objectPath(apiKeysPath, id), func(ctx context.Context) (string, string, error) {
		current, err := c.GetAPIKey(ctx, id)
		if err != nil {
			return "", "", err
		}
		return current.Version, current.fingerprint(), nil
	})
	if err != nil {
		return err
	}
	return c.patchObject(ctx, objectPath(apiKeysPath, id), ifMatch, patch, func(ctx context.Context) (bool, error) {
		current, err := c.GetAPIKey(ctx, id)
		if err != nil {
			return false, err
		}
		return apiKeyPatchApplied(current, patch), nil
	})
}

func apiKeyPatchApplied(k *APIKey, p APIKeyPatch) bool {
	return (p.Name == nil || *p.Name == k.Name) &&
		(p.Role == nil || *p.Role == k.Role) &&
		(p.Status == nil || *p.Status == k.Status) &&
		(p.Description == nil || *p.Description == k.Description)
}

// DeleteAPIKeys deletes keys through the batch endpoint. Each failed item is reported in the
// returned error (a *MultiStatusError); keys that are already gone count as deleted. Sending the
// batch again is harmless for the same reason, so it is retried like any idempotent request.
func (c *Client) DeleteAPIKeys(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	stale := writing(c.caches.apiKeys)
	defer stale()
	const p = apiKeysPath + "/delete"
	body := make([]map[string]string, len(ids))
	for i, id := range ids {
		body[i] = map[string]string{"id": id}
	}
	resp, err := c.do(ctx, request{method: http.MethodPost, path: p, body: body})
	if err != nil {
		return err
	}
	items, err := decodeMultiStatus(http.MethodPost, p, resp, len(ids))
	if err != nil {
		return err
	}
	multi := &MultiStatusError{Method: http.MethodPost, Path: p, Total: len(ids)}
	for i, item := range items {
		if item.ok() || item.Status == http.StatusNotFound {
			continue
		}
		multi.Items = append(multi.Items, item.itemError(http.MethodPost, p, ids[i], resp, c.redactions()))
	}
	if len(multi.Items) > 0 {
		return multi
	}
	return nil
}
