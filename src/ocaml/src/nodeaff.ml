(* SPDX-License-Identifier: LGPL-2.1-or-later *)
(* The OCaml side of the bindings: types, the exception the stubs raise
   (nodeaff_stubs.c), and thin wrappers where a C result needs shaping. *)

type errno =
  | EINVAL
  | ERANGE
  | EOVERFLOW
  | ENOENT
  | EACCES
  | EPERM
  | ESRCH
  | EOPNOTSUPP
  | ENOSPC
  | ENOMEM
  | ENOBUFS
  | ENODEV
  | EPROTONOSUPPORT
  | EPROTO
  | EBUSY
  | Other of int
(* The constant constructors' order is errno_order[] in the stubs. *)

type parse_error = { reason : int; column : int }

exception Error of {
  errno : errno;
  func : string;
  message : string;
  parse : parse_error option;
}

let () =
  Callback.register_exception "Nodeaff.Error"
    (Error { errno = EINVAL; func = ""; message = ""; parse = None })

external errno_of_int : int -> errno = "nodeaff_ml_errno_of_int"
external errno_to_int : errno -> int = "nodeaff_ml_errno_to_int"
external errno_name : errno -> string = "nodeaff_ml_errno_name"
external parse_reason_string : int -> string = "nodeaff_ml_parse_reason_str"

let () =
  Printexc.register_printer (function
    | Error { errno; func; message; _ } ->
        Some (Printf.sprintf "Nodeaff.Error(%s, %s: %s)" (errno_name errno) func message)
    | _ -> None)

module Nodemap = struct
  type t

  let default_size = 64

  external create_ : int -> t = "nodeaff_ml_nodemap_create"
  external parse_ : int -> string -> t = "nodeaff_ml_nodemap_parse"
  external format_ : t -> int -> string = "nodeaff_ml_nodemap_format"
  external size : t -> int = "nodeaff_ml_nodemap_size"
  external count : t -> int = "nodeaff_ml_nodemap_count"
  external mem : t -> int -> bool = "nodeaff_ml_nodemap_mem"
  external add : t -> int -> unit = "nodeaff_ml_nodemap_add"
  external remove : t -> int -> unit = "nodeaff_ml_nodemap_remove"
  external to_list : t -> int list = "nodeaff_ml_nodemap_to_list"
  external copy : t -> t = "nodeaff_ml_nodemap_copy"

  let create ?(size = default_size) () = create_ size

  let of_list ?(size = default_size) nodes =
    let m = create_ size in
    List.iter (add m) nodes;
    m

  let parse ?(size = default_size) text = parse_ size text

  type format = List | Hex | Json

  (* enum nodeaff_format's values. *)
  let format ?(format = List) m =
    format_ m (match format with List -> 0 | Hex -> 1 | Json -> 2)

  let to_string m = format m
  let equal (a : t) (b : t) = compare a b = 0
end

module Topology = struct
  type t

  external create_ : int -> int -> t = "nodeaff_ml_topology_create"
  external of_file : string -> t = "nodeaff_ml_topology_of_file"
  external nr_nodes : t -> int = "nodeaff_ml_topology_nr_nodes"
  external nr_cpus : t -> int = "nodeaff_ml_topology_nr_cpus"
  external online_nodes : t -> Nodemap.t = "nodeaff_ml_topology_online_nodes"
  external node_memory : t -> int -> int * int = "nodeaff_ml_topology_node_memory"
  external distance : t -> int -> int -> int = "nodeaff_ml_topology_distance"
  external cpu_node_ : t -> int -> int = "nodeaff_ml_topology_cpu_node"
  external node_cpus : t -> int -> Nodemap.t = "nodeaff_ml_topology_node_cpus"
  external node_vcpus : t -> int -> int = "nodeaff_ml_topology_node_vcpus"
  external set_node_online : t -> int -> bool -> unit = "nodeaff_ml_topology_set_node_online"
  external set_node_memory_ : t -> int -> int -> int -> unit
    = "nodeaff_ml_topology_set_node_memory"
  external set_distance : t -> int -> int -> int -> unit = "nodeaff_ml_topology_set_distance"
  external set_cpu_node_ : t -> int -> int -> unit = "nodeaff_ml_topology_set_cpu_node"
  external set_node_vcpus : t -> int -> int -> unit = "nodeaff_ml_topology_set_node_vcpus"

  let create ~nodes ~cpus = create_ nodes cpus

  (* ENOENT is "on no node": an answer, not an error. *)
  let cpu_node t cpu =
    match cpu_node_ t cpu with
    | n -> Some n
    | exception Error { errno = ENOENT; _ } -> None

  let set_node_memory t node ~size ~free = set_node_memory_ t node size free
  let set_cpu_node t ~cpu ~node = set_cpu_node_ t cpu node
end

module Placement = struct
  type candidate = {
    nodes : Nodemap.t;
    free_bytes : int;
    max_distance : int;
    vcpus : int;
    verdict : string;
  }

  type t = { nodes : Nodemap.t; candidates : candidate list }

  external place_ :
    Topology.t -> int -> int -> bool -> Nodemap.t * (Nodemap.t * int * int * int * string) array
    = "nodeaff_ml_place"

  let place ?(strict = false) topology ~memory ~vcpus =
    let nodes, cands = place_ topology memory vcpus strict in
    let candidate (nodes, free_bytes, max_distance, vcpus, verdict) =
      { nodes; free_bytes; max_distance; vcpus; verdict }
    in
    { nodes; candidates = Array.to_list (Array.map candidate cands) }
end

type handle
type feature = Affinity | Strict | Usage | State | Claims

external interface_open_ : unit -> handle = "nodeaff_ml_interface_open"
external close : handle -> unit = "nodeaff_ml_close"
external is_closed : handle -> bool = "nodeaff_ml_is_closed"
external features_ : handle -> int = "nodeaff_ml_features"
external set_affinity_ : handle -> int -> Nodemap.t -> bool -> unit = "nodeaff_ml_set_affinity"
external get_affinity : handle -> int -> Nodemap.t = "nodeaff_ml_get_affinity"
external get_state_ : handle -> int -> Nodemap.t * int = "nodeaff_ml_get_state"
external reset_affinity : handle -> int -> unit = "nodeaff_ml_reset_affinity"
external get_usage : handle -> int -> int array = "nodeaff_ml_get_usage"
external domain_list : handle -> int list = "nodeaff_ml_domain_list"
external topology : handle -> Topology.t = "nodeaff_ml_topology_of_host"
external claim_ : handle -> int -> int array -> (int * int) option = "nodeaff_ml_claim"
external cancel_claim : handle -> int -> unit = "nodeaff_ml_cancel_claim"
external get_claim_ : handle -> int -> int array * int = "nodeaff_ml_get_claim"
external host_claims_ : handle -> int array * int = "nodeaff_ml_host_claims"

type shortfall = { node : int option; available : int }

(* The stubs give Some (node, available) for -ENOMEM, node -1 = the host. *)
let claim h domid pages =
  match claim_ h domid pages with
  | None -> Ok ()
  | Some (node, available) -> Error { node = (if node < 0 then None else Some node); available }

type domain_claim = { pages : int array; host_wide : int }

let get_claim h domid =
  let pages, host_wide = get_claim_ h domid in
  { pages; host_wide }

type host_claims = { per_node : int array; all_claims : int }

let host_claims h =
  let per_node, all_claims = host_claims_ h in
  { per_node; all_claims }

let interface_open () = interface_open_ ()

let with_handle f =
  let h = interface_open () in
  Fun.protect ~finally:(fun () -> close h) (fun () -> f h)

(* NODEAFF_FEATURE_* bits, in include/nodeaff.h's order. *)
let features h =
  let bits = features_ h in
  List.filter_map
    (fun (bit, f) -> if bits land bit <> 0 then Some f else None)
    [ (1, Affinity); (2, Strict); (4, Usage); (8, State); (16, Claims) ]

let set_affinity h ?(strict = false) domid nodes = set_affinity_ h domid nodes strict

type mode = Automatic | Preferred | Strict_binding
type state = { nodes : Nodemap.t; mode : mode }

(* NODEAFF_STRICT is bit 0, NODEAFF_AUTO bit 1. *)
let get_state h domid =
  let nodes, flags = get_state_ h domid in
  let mode =
    if flags land 2 <> 0 then Automatic
    else if flags land 1 <> 0 then Strict_binding
    else Preferred
  in
  { nodes; mode }
