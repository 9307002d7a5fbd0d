(* SPDX-License-Identifier: LGPL-2.1-or-later *)

(** OCaml bindings to libnodeaff: decide where a Xen guest's memory lives
    on a NUMA host.

    The shape follows xenopsd's own stubs (xen-api's [Xenctrlext]): a
    [handle] on the hypervisor, calls taking it and a domain id; host
    topology, automatic placement and the nodeset grammar need no
    hypervisor.  Every C object is owned by its OCaml value and freed by
    the GC; a handle may also be closed explicitly ({!close}), twice if
    need be.  See libnodeaff(3) for what each call does. *)

(** {1 Errors} *)

(** The errnos libnodeaff documents, and any other by number. *)
type errno =
  | EINVAL  (** a bad argument, or a nodeset's syntax *)
  | ERANGE  (** a node or CPU id beyond the map's or the host's size *)
  | EOVERFLOW  (** a number in a nodeset does not fit *)
  | ENOENT  (** no such node (offline), file, or hypervisor interface *)
  | EACCES  (** the hypervisor interface is not ours to use *)
  | EPERM  (** the caller may not do this *)
  | ESRCH  (** no such domain *)
  | EOPNOTSUPP
      (** the running hypervisor lacks the feature: strict binding, state
          and usage on a Xen without the libnodeaff series ("no series") *)
  | ENOSPC  (** placement: no node set has the memory *)
  | ENOMEM
  | ENOBUFS
  | ENODEV  (** not running on Xen *)
  | EPROTONOSUPPORT
      (** a Xen release this libnodeaff does not know: upstream operations
          refused (see nodeaff(3), XEN RELEASES) *)
  | EPROTO  (** the hypervisor's series speaks another version *)
  | EBUSY  (** claims: the domain holds a host-wide XENMEM_claim_pages claim *)
  | Other of int  (** any other errno, e.g. passed through from Xen *)

(** Where a nodeset failed to parse: [reason] is the library's
    [enum nodeaff_parse_reason] value, [column] the 1-based byte column. *)
type parse_error = { reason : int; column : int }

(** The one exception every call raises on a library error: the errno,
    the C function that returned it, a message (strerror, or for a
    nodeset ["'3-1': column 3: range end is below its start"]), and for a
    nodeset that did not parse, where and why.  Match the missing series
    with [Nodeaff.Error { errno = EOPNOTSUPP; _ }].

    Programming errors are [Invalid_argument]: a call on a closed handle,
    a negative id or count. *)
exception Error of {
  errno : errno;
  func : string;
  message : string;
  parse : parse_error option;
}

val errno_name : errno -> string
(** ["EOPNOTSUPP"]; the C library's name for [Other n] (["EIO"]). *)

val errno_of_int : int -> errno
(** The constructor for a (positive) errno number of this system. *)

val errno_to_int : errno -> int

val parse_reason_string : int -> string
(** The library's sentence for a parse reason. *)

(** {1 Nodemaps and the nodeset grammar} *)

module Nodemap : sig
  type t
  (** A set of node ids [0 .. size-1].  Structural equality and
      [compare] are set equality and set order, whatever the sizes. *)

  val default_size : int
  (** 64: Xen x86's node limit. *)

  val create : ?size:int -> unit -> t
  (** An empty map.  [Error EINVAL] if size is 0 or above 65536. *)

  val of_list : ?size:int -> int list -> t
  (** [Error ERANGE] for a node at or beyond size. *)

  val parse : ?size:int -> string -> t
  (** The nodeset grammar (["0-3,^1"], ["[\"0\", \"3-5\"]"], ["all"],
      ["none"]...).  [Error] with [errno] EINVAL, ERANGE or EOVERFLOW and
      [parse = Some {reason; column}] if it does not parse. *)

  val to_list : t -> int list
  (** Ascending. *)

  type format = List | Hex | Json

  val format : ?format:format -> t -> string
  (** [List] (the default, canonical: ["0,2-3"], ["none"]), [Hex]
      (["0xd"]) or [Json] (["[0,2,3]"]). *)

  val to_string : t -> string
  val size : t -> int
  val count : t -> int
  val mem : t -> int -> bool
  val add : t -> int -> unit
  val remove : t -> int -> unit
  val copy : t -> t
  val equal : t -> t -> bool
end

(** {1 Host topology} *)

module Topology : sig
  type t

  val create : nodes:int -> cpus:int -> t
  (** Built by hand, for what-if placement: all nodes online, no memory,
      no CPUs on any node yet. *)

  val of_file : string -> t
  (** A topology file (nodeaff(1)).  [Error EINVAL] with the path and
      line in [message] if malformed; the open/read errno otherwise. *)

  val nr_nodes : t -> int
  val nr_cpus : t -> int
  val online_nodes : t -> Nodemap.t

  val node_memory : t -> int -> int * int
  (** [(size, free)] in bytes.  [Error ENOENT] if the node is offline. *)

  val distance : t -> int -> int -> int
  val cpu_node : t -> int -> int option
  val node_cpus : t -> int -> Nodemap.t
  val node_vcpus : t -> int -> int
  val set_node_online : t -> int -> bool -> unit
  val set_node_memory : t -> int -> size:int -> free:int -> unit
  val set_distance : t -> int -> int -> int -> unit
  val set_cpu_node : t -> cpu:int -> node:int -> unit
  val set_node_vcpus : t -> int -> int -> unit
end

(** {1 Automatic placement} *)

module Placement : sig
  type candidate = {
    nodes : Nodemap.t;
    free_bytes : int;
    max_distance : int;
    vcpus : int;  (** vCPUs already placed on the nodes *)
    verdict : string;  (** why it won or lost against the winner *)
  }

  type t = { nodes : Nodemap.t; candidates : candidate list }
  (** [nodes] is the winner; [candidates] are ranked, the winner first. *)

  val place : ?strict:bool -> Topology.t -> memory:int -> vcpus:int -> t
  (** Picks the nodes for a new domain of [memory] bytes and [vcpus].
      [Error ENOSPC] if nothing fits (strict) or no node has free memory;
      [Error EINVAL] for a zero memory or vCPU count. *)
end

(** {1 The hypervisor} *)

type handle
(** An open hypervisor handle.  Calls hold the OCaml runtime lock, so a
    handle cannot be closed by another thread while a call on it runs. *)

type feature = Affinity | Strict | Usage | State | Claims  (** Claims: patch 0008 *)

val interface_open : unit -> handle
(** Opens the local hypervisor (in dom0, as root).  [Error ENOENT] or
    [Error EACCES] without a usable privcmd. *)

val close : handle -> unit
(** Closes the handle now; a second close does nothing, and the GC never
    closes it again.  Any later call raises [Invalid_argument]. *)

val is_closed : handle -> bool

val with_handle : (handle -> 'a) -> 'a
(** Opens, runs, closes (also when the function raises). *)

val features : handle -> feature list
(** [[Affinity]] on stock Xen; all five with the libnodeaff series. *)

val set_affinity : handle -> ?strict:bool -> int -> Nodemap.t -> unit
(** [set_affinity h domid nodes]: preferred, or strict ([Error EOPNOTSUPP]
    without the series).  [Error ESRCH] for no such domain, [Error ERANGE]
    for a node the host does not have, [Error EINVAL] for an empty set. *)

val get_affinity : handle -> int -> Nodemap.t

type mode = Automatic | Preferred | Strict_binding

type state = { nodes : Nodemap.t; mode : mode }

val get_state : handle -> int -> state
(** The affinity and its mode, read together.  [Error EOPNOTSUPP]
    without the series. *)

val reset_affinity : handle -> int -> unit
(** Back to automatic affinity, strictness cleared. *)

val get_usage : handle -> int -> int array
(** Pages the domain owns on each node of the host.  [Error EOPNOTSUPP]
    without the series. *)

val domain_list : handle -> int list
(** Existing domains' ids, ascending. *)

val topology : handle -> Topology.t
(** The running hypervisor's topology. *)

(** {2 Node claims} (feature [Claims]; see libnodeaff(3), NODE CLAIMS) *)

(** Where a refused claim fell short: [node] [None] is the host as a
    whole; [available] the pages the domain could have claimed there. *)
type shortfall = { node : int option; available : int }

val claim : handle -> int -> int array -> (unit, shortfall) result
(** [claim h domid pages] claims [pages.(n)] 4 KiB pages on node [n], all
    or nothing, replacing the domain's claim (all zeros cancels).
    [Error shortfall] when a node or the host lacks free unclaimed pages
    (nothing claimed).  Raises [Error EOPNOTSUPP] without [Claims],
    [Error EBUSY] when the domain holds a host-wide claim, [Error ERANGE]
    for a node the host lacks, [Error EINVAL] beyond the domain's
    max_pages; [Invalid_argument] for a negative count. *)

val cancel_claim : handle -> int -> unit
(** Cancels the domain's node claims (no claim is not an error). *)

type domain_claim = { pages : int array; host_wide : int }

val get_claim : handle -> int -> domain_claim
(** The domain's outstanding node claims per node, and its host-wide
    (XENMEM_claim_pages) claim, in pages. *)

type host_claims = { per_node : int array; all_claims : int }

val host_claims : handle -> host_claims
(** Every node's claimed pages (all domains), and every outstanding claim
    host-wide claims included, in pages. *)
