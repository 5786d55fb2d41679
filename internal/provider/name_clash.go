package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// nameClash is an object of the tenant whose name (an account's email) a new or renamed object of
// this configuration would take; Vision One keeps names unique regardless of case.
type nameClash struct {
	// typeName is the Terraform resource type of both objects, such as "visionone_api_key".
	typeName string
	// object is what they are in words, such as "API key"; field is "name" or "email".
	object, field string
	// name and id are the existing object's, exactly as Vision One has them.
	name, id string
	// importHint says how to import the existing object (see importHint), for the case where no
	// resource of the configuration's state has it.
	importHint string
	// managedHint, when not empty, says what else may be true when the existing object belongs to a
	// resource of this configuration that this provider process has not seen, such as a change of it
	// that did not begin in time. It follows the advice to give one of the two resources another name.
	managedHint string
	// replacedHint says what to do when the existing object is this resource's own current one,
	// replaced with create_before_destroy, which creates the new object first. Empty for a rename.
	replacedHint string
}

// detail explains the clash. It suggests importing the existing object only when this provider
// process has not seen it in this configuration's state (seenManaged), and then only once the user
// has found no resource of the state with its id, and knows of no other configuration, workspace or
// automation that manages it, which no state of this one shows: a provider knows of the objects
// Terraform has asked it about in this run, not of the configuration or of which resource an object
// belongs to.
// An apply asks only about the resources it changes, and -target hides the others from a plan as
// well, so an object not seen may still be another resource's, and importing it would put one
// object under two addresses. Nor can a plan that saw it tell the apply: Terraform plans every
// change again in the apply's own process, with the private state of the refresh rather than of
// the plan, so the apply cannot know what the plan found.
func (d *providerData) nameClashDetail(c nameClash) string {
	detail := clashIntro(c)
	if d.seenManaged(c.typeName, c.id) {
		detail += fmt.Sprintf(" That %s is managed by this configuration (the provider has seen it in the Terraform state in "+
			"this run), so there is nothing to import: give one of the two resources another %s.", c.object, c.field)
		if c.replacedHint != "" {
			detail += fmt.Sprintf(" If it is this resource's own current %s, being replaced with lifecycle { create_before_destroy = "+
				"true }, %s", c.object, c.replacedHint)
		}
		return detail
	}
	notSeen := " The"
	if c.replacedHint != "" {
		detail += fmt.Sprintf(" If this resource is being replaced and has lifecycle { create_before_destroy = true }, that is "+
			"probably its own current %s: Terraform creates the replacement before it deletes the current one, so %s",
			c.object, c.replacedHint)
		notSeen = " Otherwise, the"
	}
	detail += fmt.Sprintf("%s provider has not seen that %s in the Terraform state in this run, but an apply shows it only "+
		"the resources being changed, and -target only those targeted, so look for it first:\n\n  "+
		"terraform state list -id=%s\n\nIf that names a resource, the %s is that resource's: give one of the two resources "+
		"another %s.", notSeen, c.object, shellQuote(c.id), c.object, c.field)
	if c.managedHint != "" {
		detail += " " + c.managedHint
	}
	return detail + fmt.Sprintf(" terraform state list covers only this configuration's state, though: the %s may also "+
		"belong to another Terraform configuration or workspace, or to an automation, and then this resource needs another "+
		"%s rather than an import (an object imported into two states is managed by both, each undoing the other's "+
		"changes): import only what no one else manages. If the command names none, ", c.object, c.field) +
		lowerFirst(c.importHint)
}

// warnExactNameTaken warns that a new object would take the name (email) of an object of the
// tenant that has it spelled exactly as planned, and that this configuration does not manage as far
// as the provider can tell (the caller returns without a diagnostic for one seenManaged knows). The
// plan cannot refuse it: in an apply, that object may be this resource's own current one, replaced
// under create_before_destroy, which Terraform plans again as a plain create after setting the
// current one aside, and an error at that point would leave the current one set aside (deposed)
// instead of restored. Vision One refuses the create at apply. more is added to the clash's detail,
// such as what the existing object is.
func (d *providerData) warnExactNameTaken(diags *diag.Diagnostics, summary string, c nameClash, more string) {
	diags.AddAttributeWarning(path.Root(c.field), summary, fmt.Sprintf("%s%s\n\nThis is a warning rather than an error "+
		"only because the provider cannot tell this %s from this resource's own current one, replaced with "+
		"create_before_destroy, which an error at this point of an apply would leave set aside instead of restored. "+
		"Otherwise, applying this plan fails: Vision One refuses the new %s, and what the apply created before that stays created.",
		d.nameClashDetail(c), more, c.object, c.object))
}

// reportTakenName is the plan-time decision about the object of c, an API key or a role of the
// tenant, that has regardless of case the name planned (planned) for another object of its type:
// owner, the id of the object renamed or replaced, or "" for a new one. creates says whether the
// plan creates an object (new or replaced), refreshed whether this process has read the object
// renamed, and releases is the record of the names that the objects of the type give up in this
// run. It adds an error or a warning, titled summary, to diags, or nothing when the clash is left
// to the apply or to another plan.
//
// An object that this plan renames away from the name, or destroys, gives the name up: the apply
// waits for that (takeName), so the plan reports nothing unless the renames form a cycle. An object
// of this configuration whose plan comes later is left to that plan, which reports a clash (the
// record of the names planned in this run) if the object keeps the name; for a new object, it may
// also be the one this one replaces (a tainted object is planned as a new one, without its id).
// Other clashes of a new object with one of exactly the planned name only warn, as that object may,
// in an apply, be this resource's own current one under create_before_destroy (see
// warnExactNameTaken); Vision One refuses the create at apply, and Terraform keeps the state as it
// was.
func (d *providerData) reportTakenName(ctx context.Context, diags *diag.Diagnostics, summary string, releases *nameReleases,
	c nameClash, planned, owner string, creates, refreshed bool,
) {
	if release, gives := releases.givesUp(c.id); gives {
		// The write of this object waits for that change at apply (takeName), unless the renames form
		// a cycle.
		if releases.cycle(owner, c.id) {
			diags.AddAttributeError(path.Root(c.field), summary, plannedCycleDetail(c, planned, release.to))
		}
		return
	}
	if !creates && !refreshed {
		// This process has not read the objects of the configuration, so it cannot tell one of them,
		// whose change may not have begun yet, from an object outside it. In an apply the update
		// waits for the name, or explains why it is still taken (takeName).
		return
	}
	if d.awaitManaged(ctx, c.typeName, c.id, releases.limit()) {
		// An object of this configuration, seen now or a moment later: if it keeps the name, its
		// plan reports the clash with this one (plannedNames); if it gives the name up, this one
		// waits for it at apply.
		return
	}
	c = withPlanOrderHint(c)
	if creates && c.name == planned {
		d.warnExactNameTaken(diags, summary, c, "")
		return
	}
	diags.AddAttributeError(path.Root(c.field), summary, d.nameClashDetail(c))
}

// plannedNameClashDetail explains that two resources of type typeName plan the same name (email):
// name for this one, and otherName for another, which has or replaces the object with id otherID,
// or creates one when otherID is "".
func plannedNameClashDetail(typeName, object, field, name, otherName, otherID string) string {
	whose := "for a new " + object
	if otherID != "" {
		whose = fmt.Sprintf("for the %s with id %s", object, otherID)
	}
	return fmt.Sprintf("This resource plans the %s %q, and another %s of this configuration plans %q %s: %s %ss are unique "+
		"regardless of case, so only one of them can have it. Give one of the two resources another %s.",
		field, name, typeName, otherName, whose, object, field, field)
}

// importHint says how to bring the existing object of resource type typeName, whose import id is
// id, under Terraform: as a `terraform import` command and as an import block, which do the same, so
// that either can be copied and pasted whatever id holds. remark, when not empty, follows them, such
// as what an import cannot bring.
func importHint(typeName, id, remark string) string {
	hint := fmt.Sprintf("To manage it with Terraform, import it, replacing <name> with the name of the resource that is "+
		"to manage it:\n\n  terraform import %s %s\n\nor add this block and apply:\n\n  import {\n    to = %s.<name>\n    id = %s\n  }",
		shellQuote(typeName+".<name>"), shellQuote(id), typeName, hclQuote(id))
	if remark != "" {
		hint += "\n\n" + remark
	}
	return hint
}

// shellQuote quotes s for a POSIX shell, so that ids with quotes (an email) survive copy and paste.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// hclQuote quotes s as an HCL string literal, escaping template sequences too.
func hclQuote(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}

// clashIntro says that Vision One has the object of the clash c, whose names are unique.
func clashIntro(c nameClash) string {
	return fmt.Sprintf("Vision One already has the %s %q (id %s), and %s %ss are unique regardless of case.",
		c.object, c.name, c.id, c.object, c.field)
}

// cycleAdvice says what to do about renames that form a cycle.
func cycleAdvice(object, field string) string {
	return fmt.Sprintf("the renames form a cycle, such as two %[1]ss swapping %[2]ss, which no order can apply, as Vision One "+
		"keeps %[1]s %[2]ss unique at every moment. Give one of them a %[2]s that none of them has in one apply, and its final "+
		"%[2]s in the next.", object, field)
}

// plannedCycleDetail explains that this resource plans the name (email) of the object of c, which
// this plan renames to to, and that the renames lead back to this resource's current name.
func plannedCycleDetail(c nameClash, planned, to string) string {
	return fmt.Sprintf("This resource plans the %s %q, which the %s %q (id %s) has. This plan renames that %s to %q, and "+
		"its renames lead from there back to this resource's current %s: %s",
		c.field, planned, c.object, c.name, c.id, c.object, to, c.field, cycleAdvice(c.object, c.field))
}

// refusedNameDetail explains a write that Vision One refused because the object of c has the name,
// after takeName: outcome and release say what became of this run's change that gives the name up,
// if this process knows of one. A change of that object that this process has not seen begin may
// still be one of this apply's, which Terraform has not started yet (see nameReleases).
func (d *providerData) refusedNameDetail(c nameClash, outcome releaseOutcome, release nameRelease) string {
	change := fmt.Sprintf("This apply renames that %s to %q", c.object, release.to)
	switch {
	case release.deleted:
		change = "This apply destroys that " + c.object
	case release.to == "":
		change = fmt.Sprintf("This apply renames that %s (to a generated %s)", c.object, c.field)
	}
	switch outcome {
	case releaseFailed:
		detail := fmt.Sprintf("%s %s, but that change failed (its own error says why), so it still has the %s. Apply again once "+
			"that change succeeds.", clashIntro(c), change, c.field)
		if release.deleted {
			detail += fmt.Sprintf(" If this resource is new and takes the %[2]s of a resource that this run destroys (a for_each "+
				"key or count index that changed), a moved block from the old resource address to the new one keeps the "+
				"existing %[1]s instead, and needs no delete.", c.object, c.field)
		}
		return detail
	case releaseCycle:
		return fmt.Sprintf("%s %s, and that change waits, directly or through others, for this resource's %s to give up its %s: %s",
			clashIntro(c), change, c.object, c.field, cycleAdvice(c.object, c.field))
	case releaseNotBegun:
		return fmt.Sprintf("%s %s, but that change did not begin while this one waited for it: apply again, or add depends_on "+
			"to this resource, naming the resource of that %s, to make the order explicit. %s", clashIntro(c), change, c.object,
			createBeforeDestroyHint(c.object, c.field))
	case releaseInterrupted:
		return fmt.Sprintf("%s %s, and the apply was interrupted while this change waited for it.", clashIntro(c), change)
	}
	if d.madeSinceListed(c.typeName, c.id) {
		// Not a resource of this state (see madeSinceListed), so not one whose change this apply
		// has yet to begin, nor one to look for in the state or to import.
		return madeElsewhereDetail(c)
	}
	c.managedHint = "If this apply renames or destroys that resource instead, that change did not begin while this one " +
		"waited for it. Either that resource depends on this one, directly or through others, and must not (make this " +
		"resource depend on it instead), or Terraform had not started it yet: apply again, or add depends_on to this " +
		"resource, naming that resource, to make the order explicit. " + createBeforeDestroyHint(c.object, c.field)
	return d.nameClashDetail(c)
}

// madeElsewhereDetail explains a clash with an object that was made while this apply ran, and not
// by it (madeSinceListed): someone else's, which this resource cannot have the name of.
func madeElsewhereDetail(c nameClash) string {
	return fmt.Sprintf("%s That %[2]s was created while this apply ran, after the provider listed the %[2]ss, and not by this "+
		"apply, so it is no resource of this configuration's state but someone else's, created at the same time by another "+
		"Terraform configuration or workspace, by an automation or in the Vision One console. Give this "+
		"resource another %[3]s, or agree with whoever owns that %[2]s on which of you is to have the %[3]s.",
		clashIntro(c), c.object, c.field)
}

// withPlanOrderHint is c for a plan that renames or creates an object into the name of an object
// this process has not seen (seenManaged): one that a resource of this configuration renames or
// destroys is read and planned after the object planned only when its resource depends on this
// one, and an apply then fails, as it changes this one first.
func withPlanOrderHint(c nameClash) nameClash {
	c.managedHint = "If this run renames or destroys that resource instead, it depends on this one, directly or through " +
		"others, so Terraform would change this one first, which Vision One refuses: make this resource depend on that one " +
		"instead. " + createBeforeDestroyHint(c.object, c.field)
	return c
}

// lowerFirst is s with its first letter in lower case, to continue a sentence with it.
func lowerFirst(s string) string {
	first, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(first)) + s[size:]
}

// createBeforeDestroyHint is the advice on a new object that takes the name (email) of an object
// that the same run destroys, which no order of the two can help when create_before_destroy
// applies: Terraform creates the new object first. A provider cannot see whether it applies, as it
// may be inherited from a resource that refers to this one.
func createBeforeDestroyHint(object, field string) string {
	return fmt.Sprintf("If this resource is new and takes the %[2]s of a resource that this run destroys (a for_each key or "+
		"count index that changed), and create_before_destroy applies (set on the resource, or inherited from a resource "+
		"that refers to it, has it and changes in this apply), Terraform creates this one first, which no depends_on or "+
		"second apply changes: "+
		"use a moved block from the old resource address to the new one, which keeps the existing %[1]s, or give this "+
		"resource another %[2]s.", object, field)
}

// warnRecreated warns that a plan destroys the object (an API key or a role) with id and name
// holder, and creates another one named name, under another resource address: the create waits
// for the destroy, and the apply fails if create_before_destroy applies. summary titles the
// warning; object names the object in words, and more says what else the destroy costs.
func warnRecreated(diags *diag.Diagnostics, summary, object, more, holder, id, name string) {
	diags.AddWarning(summary, fmt.Sprintf("This plan destroys the %[1]s %[2]q (id %[3]s) and creates a new %[1]s named %[4]q "+
		"in its place, under another resource address (such as a for_each key or count index that changed). The names of "+
		"%[1]ss are unique regardless of case, so the new %[1]s can be created only once the old one is gone: the create "+
		"waits for the destroy. %[5]sIf create_before_destroy applies (set on the resource, or inherited from a resource that "+
		"refers to it, has it and changes in this apply), Terraform creates the new %[1]s first, and the apply fails. Use a "+
		"moved block from the old resource address to the new one, which keeps the existing %[1]s and changes it in place, "+
		"or give the new %[1]s another name.", object, holder, id, name, more))
}

// Recreation costs (warnRecreated's more) of a role and of an API key.
const (
	roleRecreatedCost = "While accounts or API keys have the old role, Vision One refuses to delete it, and they cannot " +
		"move to the new role before it exists: the apply then fails whatever the order. "
	apiKeyRecreatedCost = "The new key has a new value: whatever authenticates with the old key's value must be given " +
		"the new one. "
)

// reportPlannedDestroy records the destroy, planned now, of the object id named name (a role or an API
// key, whose record of names given up is releases), and warns when a create planned before it
// in this process takes its name (warnRecreated).
func reportPlannedDestroy(diags *diag.Diagnostics, releases *nameReleases, summary, object, more, id, name string) {
	if taker, taken := releases.planDelete(id, name); taken {
		warnRecreated(diags, summary, object, more, name, id, taker)
	}
}

// reportPlannedCreate records the create, planned now, of an object named name that replaces the
// object owner ("" for a new one), and warns when a destroy planned before it in this process gives
// the name up (warnRecreated).
func reportPlannedCreate(diags *diag.Diagnostics, releases *nameReleases, summary, object, more, name, owner string) {
	if id, from, found := releases.planCreate(name, owner); found {
		warnRecreated(diags, summary, object, more, from, id, name)
	}
}

// recordPlannedDestroy is the ModifyPlan of a destroy (req.Plan null): it calls record with the
// state of the object destroyed, which it records for the creates of the same plan.
func recordPlannedDestroy[M any](ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, record func(M)) {
	var state M
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); !resp.Diagnostics.HasError() {
		record(state)
	}
}
