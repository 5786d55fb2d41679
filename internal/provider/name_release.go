package provider

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// nameReleases records, for one provider process and one resource type, the objects whose current
// name this run gives up: renamed in place to another name, or deleted. It records renames of the
// letter case only too, which give no name up (Vision One keeps names unique regardless of case, see
// nameRelease.keepsName) but are renames all the same to the API keys and accounts that show a
// role's name (renames, awaitRename). Vision One keeps names
// unique at every moment, and Terraform does not order two changes of one configuration that do
// not refer to each other, so in a chain such as "k1 from c1 to c1-old, k2 from c2 to c1" the
// rename to c1 may reach Vision One first and be refused. With this record, the write that is
// refused waits for the release of its name by this run, and writes again (takeName), and the
// plan does not report a name that its holder gives up in the same plan.
//
// What a process knows: Terraform plans every change again, in the apply's own provider process,
// just before it applies it (a saved plan applied later is planned again the same way), and it
// calls Delete without planning again. So in an apply a release is recorded once the change of
// its holder has begun to run. Terraform starts the changes that do not depend on one another
// together (up to its -parallelism), but one may run to its end before another is even planned
// again, so a refused write whose holder this process has not seen waits a while for a change of
// the holder to begin (releaseStartLimit). A holder whose change does not begin in that time,
// because it is not this configuration's or Terraform has not started it, fails the write with
// advice instead.
//
// The deletes it records serve one more write: a role's delete, which Vision One refuses while an
// account or API key has the role. A configuration whose keys or accounts name their role by a
// literal name, as generated configuration does, does not order their deletes before the role's,
// so the role's delete may be refused by holders that this run deletes a moment later; it then
// waits for their deletes (awaitDeletes), which it may have to wait for to begin, as above, and
// deletes again. Accounts are recorded for that alone, by email (providerData.accountDeletes).
type nameReleases struct {
	mu   sync.Mutex
	byID map[string]*nameRelease
	// recorded is closed, and replaced, whenever a release is added or a delete begins.
	recorded chan struct{}
	// waiting maps the id of an object whose write waits to the id of the holder it waits for,
	// to refuse a wait that would close a cycle (two objects swapping names).
	waiting map[string]string
	// startLimit is releaseStartLimit, or what a test sets.
	startLimit time.Duration
	// creates are the names that the creates planned in this process take, with the id of the
	// object each replaces ("" for a new one), for the destroys planned after them (planDelete).
	creates []plannedName[struct{}]
}

// releaseStartLimit bounds how long a refused write waits for a change of the holder of its name
// to begin: recorded in this process, for a holder this process has not seen, and begun, for one
// whose change is planned; and how long a role's refused delete waits for the deletes of the
// accounts and keys that have the role to begin (awaitDeletes). In an apply, Terraform starts the
// changes that do not depend on one another together and calls Update right after planning a
// change again, so the bound is reached only by a holder that is not this configuration's or that
// this run keeps, one whose change Terraform has not started (its -parallelism is taken), or one
// whose change Terraform dropped after planning it. A change that has begun is waited for until it
// ends, or until the apply is interrupted.
const releaseStartLimit = 5 * time.Second

// nameRelease is the release of one object's current name.
type nameRelease struct {
	// from is the name the object has; to is the name it is renamed to, or "" when it is deleted
	// or its new name is generated when it is written.
	from, to string
	deleted  bool
	// destroyPlanned says that the delete was recorded by its plan (planDelete), which only a plan
	// makes: Terraform calls Delete without planning again.
	destroyPlanned bool
	begun          chan struct{} // closed when the change begins
	done           chan struct{} // closed when it ends, after released is set
	released       bool          // whether the change was written
}

// planRename records that the plan of the object id renames it from the name from to planned, if
// the two are spelled differently, in letter case only included (see keepsName); planned may be
// unknown (a name generated at apply).
func (n *nameReleases) planRename(id string, from string, planned types.String) {
	if id == "" || planned.IsNull() || (!planned.IsUnknown() && client.SameSpelling(planned.ValueString(), from)) {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	r := n.record(id)
	select {
	case <-r.begun:
		return // planned again while it runs: the record stands
	default:
	}
	r.from, r.to, r.deleted, r.destroyPlanned = from, planned.ValueString(), false, false
	n.notify() // for awaitRoleRenamePlanned, when the object's record was there already
}

// planReplace records that the plan of the object id, which planRename may have recorded as a
// rename, replaces it instead: Terraform plans a replacement (-replace, replace_triggered_by) first
// as an update of the object, and then again as the create of another one, with the name planned,
// while the object itself is deleted. The object gives its name up all the same, but renames
// nothing, so no holder of the object's name follows it (renames); a record whose change has
// begun stands, and an object with no record gives up no name that this process knows of yet.
func (n *nameReleases) planReplace(id string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	r, ok := n.byID[id]
	if !ok {
		return
	}
	select {
	case <-r.begun:
		return
	default:
	}
	r.to, r.deleted = "", true
	n.notify()
}

// planDelete records that the plan of the object id, named name, destroys it, and returns the name
// that a create planned earlier in this process takes from it (planCreate), if one does.
// Recorded, the delete gives the name up for the plans that follow (givesUp), and its create is
// reported once, by planDelete or planCreate, whichever comes second.
func (n *nameReleases) planDelete(id, name string) (taker string, taken bool) {
	if id == "" {
		return "", false
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	r := n.record(id)
	r.from, r.to, r.deleted, r.destroyPlanned = name, "", true, true
	n.notify()
	for _, c := range n.creates {
		if c.owner != id && client.SameName(c.name, name) {
			return c.name, true
		}
	}
	return "", false
}

// planCreate records that a plan creates an object named name, which replaces the object owner (""
// for a new one), and returns the id and name of another object whose destroy this process has
// planned (planDelete) and that has the name regardless of case, if there is one.
func (n *nameReleases) planCreate(name, owner string) (id, from string, found bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.creates = append(n.creates, plannedName[struct{}]{name: name, owner: owner})
	for id, r := range n.byID {
		if r.destroyPlanned && id != owner && client.SameName(r.from, name) {
			return id, r.from, true
		}
	}
	return "", "", false
}

// keepsName reports whether the change r renames its object in letter case only: the object keeps
// its name, which Vision One compares regardless of case, so no write waits for it (givesUp, await).
func (r *nameRelease) keepsName() bool {
	return !r.deleted && r.to != "" && client.SameName(r.to, r.from)
}

// record returns the release of id, adding an empty one; the caller holds mu.
func (n *nameReleases) record(id string) *nameRelease {
	if n.byID == nil {
		n.byID = map[string]*nameRelease{}
	}
	r, ok := n.byID[id]
	if !ok {
		r = &nameRelease{begun: make(chan struct{}), done: make(chan struct{})}
		n.byID[id] = r
		n.notify()
	}
	return r
}

// notify wakes the waits for a change of the record (recorded); the caller holds mu.
func (n *nameReleases) notify() {
	if n.recorded != nil {
		close(n.recorded)
		n.recorded = nil
	}
}

// beginUpdate marks the update of the object id as begun, if its plan renames it, and returns
// what the update calls when it ends, with whether it wrote the new name.
func (n *nameReleases) beginUpdate(id string) (end func(released bool)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	r, ok := n.byID[id]
	if !ok {
		return func(bool) {}
	}
	return n.begin(r)
}

// beginDelete records that the object id, named name, is being deleted, and returns what the
// delete calls when it ends, with whether the object is gone.
func (n *nameReleases) beginDelete(id, name string) (end func(released bool)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	r := n.record(id)
	r.from, r.to, r.deleted = name, "", true
	n.notify() // for awaitDelete, when the object's record was there already (a planned rename)
	return n.begin(r)
}

// begin closes r.begun, once, and returns the end of the change; the caller holds mu.
func (n *nameReleases) begin(r *nameRelease) func(released bool) {
	select {
	case <-r.begun:
	default:
		close(r.begun)
	}
	var once sync.Once
	return func(released bool) {
		once.Do(func() {
			n.mu.Lock()
			defer n.mu.Unlock()
			select {
			case <-r.done:
				return
			default:
			}
			r.released = released
			close(r.done)
		})
	}
}

// givesUp reports whether this run gives up the current name of the object id, as far as this
// process knows, and what it is renamed to; a rename of the letter case only gives nothing up.
func (n *nameReleases) givesUp(id string) (nameRelease, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	r, ok := n.byID[id]
	if !ok || r.keepsName() {
		return nameRelease{}, false
	}
	return nameRelease{from: r.from, to: r.to, deleted: r.deleted}, true
}

// renames reports whether this run renames an object named from to the name to, as far as this
// process knows (to known: a name generated when it is written is not known here).
func (n *nameReleases) renames(from, to string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.renaming(from, to) != nil
}

// renamesFrom reports whether this run renames an object named from, to whatever name, as far as
// this process knows.
func (n *nameReleases) renamesFrom(from string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, r := range n.byID {
		if !r.deleted && r.from == from {
			return true
		}
	}
	return false
}

// renaming returns the record of the rename of an object named from to the name to (known), or
// nil; the caller holds mu.
func (n *nameReleases) renaming(from, to string) *nameRelease {
	for _, r := range n.byID {
		if !r.deleted && to != "" && r.from == from && r.to == to {
			return r
		}
	}
	return nil
}

// cycle reports whether the renames planned in this process lead from the holder's new name back
// to the current name of self: holder is renamed to the name another object has, which is renamed
// to ..., the name of self, which self gives up for the holder's. No order of such renames works,
// since Vision One keeps names unique at every step.
func (n *nameReleases) cycle(self, holder string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	own, ok := n.byID[self]
	if !ok || self == "" {
		return false
	}
	current := holder
	for range len(n.byID) {
		r, ok := n.byID[current]
		if !ok || r.to == "" || r.keepsName() {
			return false
		}
		if client.SameName(r.to, own.from) {
			return true
		}
		next := ""
		for id, other := range n.byID {
			if id != current && client.SameName(other.from, r.to) {
				next = id
				break
			}
		}
		if next == "" {
			return false
		}
		current = next
	}
	return false
}

// limit is how long a refused write of this record's type waits for a change to begin:
// releaseStartLimit, or what a test sets.
func (n *nameReleases) limit() time.Duration {
	if n.startLimit == 0 {
		return releaseStartLimit
	}
	return n.startLimit
}

// releaseOutcome is what became of the name a refused write waited for.
type releaseOutcome int

const (
	// releaseUnknown: no change of the holder that gives the name up began in this process: the
	// holder is not this configuration's, keeps the name, or Terraform has not started its change.
	releaseUnknown releaseOutcome = iota
	// releaseDone: the holder's change was written; the name is free unless someone took it since.
	releaseDone
	// releaseFailed: the holder's change failed, so the holder still has the name.
	releaseFailed
	// releaseCycle: the holder waits, directly or through others, for the name of the waiter.
	releaseCycle
	// releaseNotBegun: the holder's change is planned but did not begin within releaseStartLimit;
	// for awaitDelete, no delete of the object began within it.
	releaseNotBegun
	// releaseInterrupted: the apply was interrupted during the wait.
	releaseInterrupted
)

// await waits until the change that gives up the name of holder has ended, for the write of self
// ("" for an object still to be created), and says how it ended. seen says whether this process
// has seen the holder in this configuration's state: if it has, the holder's plan is known, and
// its change, if it gives the name up, was recorded when it was planned. A holder whose recorded
// change renames it in letter case only keeps the name (releaseUnknown, at once). seen is asked while the
// record is locked, and a change is recorded before its object is noted as seen, so that a holder
// seen is never one whose release is still to be recorded.
func (n *nameReleases) await(ctx context.Context, self, holder string, seen func() bool) releaseOutcome {
	bound, cancel := context.WithTimeout(ctx, n.limit())
	defer cancel()

	n.mu.Lock()
	r, ok := n.byID[holder]
	for !ok {
		if seen() {
			n.mu.Unlock()
			return releaseUnknown
		}
		recorded := n.nextChange()
		n.mu.Unlock()
		select {
		case <-recorded:
		case <-bound.Done():
			if ctx.Err() != nil {
				return releaseInterrupted
			}
			return releaseUnknown
		}
		n.mu.Lock()
		r, ok = n.byID[holder]
	}
	if r.keepsName() {
		n.mu.Unlock()
		return releaseUnknown
	}
	if self != "" {
		for current, steps := holder, 0; steps <= len(n.waiting); steps++ {
			next, waits := n.waiting[current]
			if !waits {
				break
			}
			if next == self {
				n.mu.Unlock()
				return releaseCycle
			}
			current = next
		}
		if n.waiting == nil {
			n.waiting = map[string]string{}
		}
		n.waiting[self] = holder
		defer func() {
			n.mu.Lock()
			delete(n.waiting, self)
			n.mu.Unlock()
		}()
	}
	n.mu.Unlock()

	tflog.Debug(ctx, "Waiting for the change of this run that gives up the name", map[string]any{"holder": holder})
	return n.awaitBegunEnd(ctx, r, bound.Done())
}

// awaitDelete waits for the delete of the object id by this process, for a write that Vision One
// refuses while the object exists (a role's delete, refused while the object has the role), and
// says how it ended: releaseDone when the object is gone, releaseFailed when its delete failed. A
// delete that has not begun is waited for until late is closed (releaseNotBegun): in an apply,
// Terraform calls Delete without planning again, so this process learns of a delete only as it
// begins, which may be after the refusal. A delete that has begun is waited for until it ends, or
// until the apply is interrupted.
func (n *nameReleases) awaitDelete(ctx context.Context, id string, late <-chan struct{}) releaseOutcome {
	r, outcome := n.awaitRecord(ctx, late, func() *nameRelease {
		if r, ok := n.byID[id]; ok && r.deleted {
			return r
		}
		return nil
	})
	if r == nil {
		return outcome
	}
	tflog.Debug(ctx, "Waiting for the delete of this run that the write needs", map[string]any{"object": id})
	return n.awaitEnd(ctx, r)
}

// renameOrNext reports whether this process records a rename of an object named from to the name
// to (planRename), with a nil channel when it does or when ruledOut, asked with mu held, says that
// no such rename can be recorded any more; otherwise it returns what is closed at the next change
// of the record (nextChange), for a wait that is to miss none (see
// providerData.awaitRoleRenamePlanned).
func (n *nameReleases) renameOrNext(from, to string, ruledOut func(*nameReleases) bool) (bool, <-chan struct{}) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.renaming(from, to) != nil {
		return true, nil
	}
	if ruledOut(n) {
		return false, nil
	}
	return false, n.nextChange()
}

// givesUpLocked is givesUp with mu held, reporting only whether the object id gives its name up.
func (n *nameReleases) givesUpLocked(id string) bool {
	r, ok := n.byID[id]
	return ok && !r.keepsName()
}

// awaitRename waits for the rename of an object named from to the name to by this process to end,
// for a read that shows the rename on other objects (an account shows its role's name), and says
// how it ended: releaseDone when the new name was written, releaseFailed when the rename failed. A
// rename that is not recorded, or has not begun, within limit is releaseNotBegun; one that has
// begun is waited for until it ends, or until the apply is interrupted.
func (n *nameReleases) awaitRename(ctx context.Context, from, to string) releaseOutcome {
	bound, cancel := context.WithTimeout(ctx, n.limit())
	defer cancel()
	r, outcome := n.awaitRecord(ctx, bound.Done(), func() *nameRelease { return n.renaming(from, to) })
	if r == nil {
		return outcome
	}
	tflog.Debug(ctx, "Waiting for the rename of this run that the read shows", map[string]any{"from": from, "to": to})
	return n.awaitBegunEnd(ctx, r, bound.Done())
}

// awaitRecord waits until find, called with mu held, returns a record, and returns it; or nil with
// releaseNotBegun when late is closed first, or releaseInterrupted when the apply is.
func (n *nameReleases) awaitRecord(ctx context.Context, late <-chan struct{}, find func() *nameRelease) (*nameRelease, releaseOutcome) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for {
		if r := find(); r != nil {
			return r, releaseUnknown
		}
		recorded := n.nextChange()
		n.mu.Unlock()
		select {
		case <-recorded:
		case <-ctx.Done():
			n.mu.Lock()
			return nil, releaseInterrupted
		case <-late:
			n.mu.Lock()
			if ctx.Err() != nil {
				return nil, releaseInterrupted
			}
			return nil, releaseNotBegun
		}
		n.mu.Lock()
	}
}

// awaitBegunEnd waits for the change r to begin, until late (releaseNotBegun), and then to end
// (awaitEnd).
func (n *nameReleases) awaitBegunEnd(ctx context.Context, r *nameRelease, late <-chan struct{}) releaseOutcome {
	select {
	case <-r.begun:
	case <-ctx.Done():
		return releaseInterrupted
	case <-late:
		if ctx.Err() != nil {
			return releaseInterrupted
		}
		return releaseNotBegun
	}
	return n.awaitEnd(ctx, r)
}

// awaitEnd waits for the change r, which has begun, to end, and says whether it was written.
func (n *nameReleases) awaitEnd(ctx context.Context, r *nameRelease) releaseOutcome {
	select {
	case <-r.done:
	case <-ctx.Done():
		return releaseInterrupted
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if r.released {
		return releaseDone
	}
	return releaseFailed
}

// nextChange returns what is closed at the next change of the record (recorded); the caller holds
// mu.
func (n *nameReleases) nextChange() <-chan struct{} {
	if n.recorded == nil {
		n.recorded = make(chan struct{})
	}
	return n.recorded
}

// pendingDelete is an object whose delete a refused write waits for: the record of the deletes of
// its type, and the object's key in it.
type pendingDelete struct {
	deletes *nameReleases
	id      string
}

// awaitDeletes waits for the deletes of objects by this process, for a write that Vision One
// refuses while they exist (see awaitDelete), and returns how each ended, in order. The deletes not
// begun yet share one bound, limit, counted from the call: the objects are waited for one after
// another, and Terraform starts the deletes of one configuration together, so the later ones have
// usually ended by the time their turn comes. It stops at the first delete that failed, or at an
// interruption, as the write is refused then whatever becomes of the others: the outcomes it
// returns are fewer than the objects. A delete that did not begin in time does not stop it, so that
// the outcomes say which objects this run did delete.
func awaitDeletes(ctx context.Context, limit time.Duration, objects []pendingDelete) []releaseOutcome {
	bound, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	outcomes := make([]releaseOutcome, 0, len(objects))
	for _, o := range objects {
		outcome := o.deletes.awaitDelete(ctx, o.id, bound.Done())
		outcomes = append(outcomes, outcome)
		if outcome == releaseFailed || outcome == releaseInterrupted {
			break
		}
	}
	return outcomes
}

// nameRefusal is what is known of a write that Vision One refused because another object has the
// name: that object (nil when it could not be found), and what became of the wait for it.
type nameRefusal[T any] struct {
	holder  *T
	outcome releaseOutcome
	release nameRelease
}

// takeName runs write, which gives the object self ("" for one still to be created) a name. When
// Vision One refuses it as a duplicate, it finds the holder of the name with find, and, when this
// run gives that name up (see nameReleases), waits for it and writes again; seen says whether this
// process has seen an object in this configuration's state (one it has not seen is waited for a
// while, in case its change is still to begin). It returns the error of the last write and, when
// that is a refusal, what is known of it, for the error's advice. How Vision One words a duplicate
// is not published (API.md, "Decision: duplicates"): a 400 whose message does not say so is a
// refusal of the name all the same when another object has it, as for an account's email.
func takeName[T any](ctx context.Context, n *nameReleases, self string, write func() error,
	find func() (holder *T, id string), seen func(id string) bool,
) (*nameRefusal[T], error) {
	waited := map[string]bool{}
	for {
		err := write()
		worded := client.IsAlreadyExists(err)
		if !worded && !client.IsBadRequest(err) {
			return nil, err
		}
		holder, id := find()
		if !worded && (holder == nil || id == self) {
			return nil, err // refused for another reason
		}
		refusal := &nameRefusal[T]{holder: holder}
		if holder == nil && !waited[""] {
			// Given up between the refusal and the lookup, by a change this process may not know.
			waited[""] = true
			continue
		}
		if holder == nil || id == self {
			return refusal, err
		}
		if waited[id] {
			refusal.release, _ = n.givesUp(id)
			refusal.outcome = releaseDone // given up, and taken again since
			return refusal, err
		}
		waited[id] = true
		// A refusal that may be about the object this create made itself is not waited for on a
		// holder not seen. A rename (self set) cannot have made the holder, whatever its attempts.
		own := self == "" && mayBeOwnCreate(err)
		refusal.outcome = n.await(ctx, self, id, func() bool { return own || seen(id) })
		refusal.release, _ = n.givesUp(id)
		if refusal.outcome != releaseDone {
			return refusal, err
		}
		tflog.Debug(ctx, "The holder gave the name up: writing again", map[string]any{"holder": id})
	}
}

// mayBeOwnCreate reports whether err, a refusal of a create as a duplicate, may be about the object
// that create made itself: an earlier attempt got no clear answer, and the client found the object
// afterwards, or the API refused the attempt that followed.
func mayBeOwnCreate(err error) bool {
	var apiErr *client.APIError
	return errors.As(err, &apiErr) && (apiErr.FoundByClient() || apiErr.AfterAmbiguous())
}
