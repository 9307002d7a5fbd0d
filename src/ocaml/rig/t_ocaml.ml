(* SPDX-License-Identifier: LGPL-2.1-or-later *)
(* The OCaml bindings against the running hypervisor (the rig's dom0, TAP).

       t-ocaml TOPOLOGY-FILE

   A domain is created and populated by rig-domain (the toolstack's part,
   libxenctrl, which has no binding here); everything about node affinity
   goes through Nodeaff, and each result is checked against the C
   library's own view, the nodeaff command's --json output.  On a
   hypervisor without the series (stock Xen), strict, state and usage must
   raise Nodeaff.Error with errno EOPNOTSUPP, and set/get/reset must still
   work.  Then the handle's lifetime: close twice, calls after close, the
   GC's finaliser after close, handles dropped without close.  Last, the
   README's example (nodeaff-bind-strict) on a fresh domain. *)

open Nodeaff

let n_test = ref 0
let failed = ref 0

let ok cond desc =
  incr n_test;
  if not cond then incr failed;
  Printf.printf "%s %d - %s\n%!" (if cond then "ok" else "not ok") !n_test desc;
  cond

let diag fmt = Printf.ksprintf (fun s -> Printf.printf "# %s\n%!" s) fmt

(* The errno name f raises through Nodeaff.Error, "none", or the other
   exception's text. *)
let raised f =
  match f () with
  | _ -> "none"
  | exception Error { errno; _ } -> errno_name errno
  | exception e -> "exception " ^ Printexc.to_string e

(* --- running commands ----------------------------------------------------- *)

let run_capture cmd =
  let ic = Unix.open_process_in cmd in
  let b = Buffer.create 256 in
  (try
     while true do
       Buffer.add_channel b ic 1
     done
   with End_of_file -> ());
  let out = Buffer.contents b in
  match Unix.close_process_in ic with
  | Unix.WEXITED 0 -> Ok out
  | Unix.WEXITED n -> Error (Printf.sprintf "%s: exit %d: %s" cmd n out)
  | _ -> Error (cmd ^ ": killed")

let run_ok cmd =
  match run_capture cmd with Ok out -> String.trim out | Error e -> failwith e

(* --- a small JSON reader, for nodeaff --json ------------------------------- *)

type json = Null | Bool of bool | Num of float | Str of string | Arr of json list | Obj of (string * json) list

let json_of_string s =
  let pos = ref 0 in
  let peek () = if !pos < String.length s then s.[!pos] else '\000' in
  let rec ws () = if !pos < String.length s && String.contains " \t\r\n" s.[!pos] then (incr pos; ws ()) in
  let expect c = ws (); if peek () <> c then failwith (Printf.sprintf "json: '%c' at %d" c !pos); incr pos in
  let word w v = if !pos + String.length w <= String.length s && String.sub s !pos (String.length w) = w
    then (pos := !pos + String.length w; v) else failwith "json: bad word" in
  let rec value () =
    ws ();
    match peek () with
    | '{' -> incr pos; ws ();
        if peek () = '}' then (incr pos; Obj []) else
        let rec members acc =
          let k = (match value () with Str k -> k | _ -> failwith "json: key") in
          expect ':';
          let v = value () in
          ws ();
          if peek () = ',' then (incr pos; members ((k, v) :: acc))
          else (expect '}'; Obj (List.rev ((k, v) :: acc)))
        in members []
    | '[' -> incr pos; ws ();
        if peek () = ']' then (incr pos; Arr []) else
        let rec items acc =
          let v = value () in
          ws ();
          if peek () = ',' then (incr pos; items (v :: acc)) else (expect ']'; Arr (List.rev (v :: acc)))
        in items []
    | '"' -> incr pos;
        let b = Buffer.create 16 in
        let rec chars () =
          match peek () with
          | '"' -> incr pos
          | '\\' -> Buffer.add_char b s.[!pos + 1]; pos := !pos + 2; chars ()
          | c -> Buffer.add_char b c; incr pos; chars ()
        in chars (); Str (Buffer.contents b)
    | 't' -> word "true" (Bool true)
    | 'f' -> word "false" (Bool false)
    | 'n' -> word "null" Null
    | _ ->
        let start = !pos in
        while !pos < String.length s && String.contains "-+.eE0123456789" s.[!pos] do incr pos done;
        Num (float_of_string (String.sub s start (!pos - start)))
  in
  value ()

let member k = function Obj l -> List.assoc k l | _ -> failwith ("json: no " ^ k)
let to_int = function Num f -> int_of_float f | _ -> failwith "json: not a number"
let to_ints = function Arr l -> List.map to_int l | _ -> failwith "json: not an array"

(* The C library's view. *)
let cli args = json_of_string (run_ok ("nodeaff --json " ^ args))

let cli_usage domid =
  match member "domains" (cli (Printf.sprintf "usage %d" domid)) with
  | Arr [ d ] -> to_ints (member "per_node" d)
  | _ -> failwith "nodeaff usage: not one domain"

let cli_nodes domid = to_ints (member "nodes" (cli (Printf.sprintf "get %d" domid)))

(* --- the toolstack's part ------------------------------------------------- *)

let create_domain () = int_of_string (run_ok "rig-domain create")
let populate domid pages = int_of_string (run_ok (Printf.sprintf "rig-domain populate %d %d" domid pages))
let destroy_domain domid = ignore (run_ok (Printf.sprintf "rig-domain destroy %d" domid))

let list_s l = "[" ^ String.concat "," (List.map string_of_int l) ^ "]"
let open_fds () = Array.length (Sys.readdir "/proc/self/fd")

(* --- the checks ----------------------------------------------------------- *)

let check_topology h =
  let topo = topology h in
  let want = cli "topology" in
  ignore
    (ok
       (Topology.nr_nodes topo = to_int (member "nr_nodes" want)
       && Topology.nr_cpus topo = to_int (member "nr_cpus" want))
       (Printf.sprintf "topology: %d nodes, %d CPUs, as nodeaff topology says"
          (Topology.nr_nodes topo) (Topology.nr_cpus topo)));
  topo

let mem_nodes topo =
  List.filter
    (fun n -> match Topology.node_memory topo n with size, _ -> size > 0 | exception Error _ -> false)
    (List.init (Topology.nr_nodes topo) Fun.id)

let check_domain h topo series =
  let nodes = mem_nodes topo in
  let last = List.nth nodes (List.length nodes - 1) in
  let size = Topology.nr_nodes topo in
  let domid = create_domain () in
  ignore (ok (List.mem domid (domain_list h) && List.mem 0 (domain_list h))
            (Printf.sprintf "domain_list has dom0 and the new domain %d" domid));
  Fun.protect ~finally:(fun () -> destroy_domain domid) (fun () ->
      set_affinity h domid (Nodemap.of_list ~size [ last ]);
      let got = get_affinity h domid in
      ignore (ok (Nodemap.to_list got = [ last ] && cli_nodes domid = [ last ])
                (Printf.sprintf "preferred {%d}: get_affinity %s == nodeaff get %s" last
                   (Nodemap.to_string got) (list_s (cli_nodes domid))));
      if series then (
        let st = get_state h domid in
        ignore (ok (st.mode = Preferred && Nodemap.to_list st.nodes = [ last ])
                  (Printf.sprintf "get_state: preferred %s" (Nodemap.to_string st.nodes)));
        set_affinity h ~strict:true domid (Nodemap.of_list ~size [ last ]);
        let st = get_state h domid in
        let c = cli (Printf.sprintf "get %d" domid) in
        ignore (ok (st.mode = Strict_binding && Nodemap.to_list st.nodes = [ last ]
                    && member "strict" c = Bool true)
                  (Printf.sprintf "strict {%d}: get_state Strict_binding, nodeaff get strict" last));
        let r = populate domid 256 in
        let u = Array.to_list (get_usage h domid) in
        let cu = cli_usage domid in
        ignore (ok (r = 256 && List.nth u last = 256 && List.fold_left ( + ) 0 u = 256 && u = cu)
                  (Printf.sprintf "strict: 256 pages populated, get_usage %s == nodeaff usage %s"
                     (list_s u) (list_s cu)));
        set_affinity h domid (Nodemap.of_list ~size nodes);
        let st = get_state h domid in
        ignore (ok (st.mode = Preferred && Nodemap.to_list st.nodes = nodes)
                  (Printf.sprintf "preferred %s: get_state" (Nodemap.to_string st.nodes)));
        let r = populate domid 128 in
        let u = Array.to_list (get_usage h domid) in
        let cu = cli_usage domid in
        ignore (ok (r = 128 && List.fold_left ( + ) 0 u = 384 && u = cu)
                  (Printf.sprintf "preferred: 128 more pages, get_usage %s (384) == nodeaff usage %s"
                     (list_s u) (list_s cu))))
      else (
        let strict () = set_affinity h ~strict:true domid (Nodemap.of_list ~size [ last ]) in
        let e = raised strict in
        ignore (ok (e = "EOPNOTSUPP") ("stock Xen: strict set raises Error EOPNOTSUPP: " ^ e));
        (* The case a caller matches on. *)
        let matched =
          match get_state h domid with
          | _ -> false
          | exception Error { errno = EOPNOTSUPP; func = "nodeaff_domain_get_state"; _ } -> true
        in
        ignore (ok matched "stock Xen: get_state raises Error { errno = EOPNOTSUPP }");
        let e = raised (fun () -> get_usage h domid) in
        ignore (ok (e = "EOPNOTSUPP") ("stock Xen: get_usage raises Error EOPNOTSUPP: " ^ e));
        ignore (ok (Nodemap.to_list (get_affinity h domid) = [ last ])
                  "stock Xen: the refused strict set changed nothing");
        ignore (ok (populate domid 64 = 64) "stock Xen: 64 pages populated"));
      reset_affinity h domid;
      let got = Nodemap.to_list (get_affinity h domid) in
      ignore (ok (got = cli_nodes domid)
                (Printf.sprintf "reset: get_affinity %s == nodeaff get" (list_s got)));
      if series then
        ignore (ok ((get_state h domid).mode = Automatic) "reset: get_state Automatic");
      (* Errors: the errno, never a crash. *)
      let e = raised (fun () -> get_affinity h 32000) in
      ignore (ok (e = "ESRCH") ("domain 32000: Error ESRCH: " ^ e));
      let e = raised (fun () -> set_affinity h domid (Nodemap.of_list ~size:(size + 1) [ size ])) in
      ignore (ok (e = "ERANGE") (Printf.sprintf "node %d on a %d-node host: Error ERANGE: %s" size size e));
      let e = raised (fun () -> set_affinity h domid (Nodemap.create ())) in
      ignore (ok (e = "EINVAL") ("empty set: Error EINVAL: " ^ e));
      let e = raised (fun () -> get_affinity h 0x7ff0) in
      ignore (ok (e = "EINVAL") ("reserved domid 0x7ff0: Error EINVAL: " ^ e)));
  let e = raised (fun () -> get_affinity h domid) in
  ignore (ok (e = "ESRCH") (Printf.sprintf "destroyed domain %d: Error ESRCH: %s" domid e))

(* Close twice, calls after close, finalisers after close, dropped handles. *)
let check_lifetime () =
  let fds = open_fds () in
  let h = interface_open () in
  close h;
  close h;
  Gc.full_major ();
  ignore (ok (is_closed h) "close twice: no error, is_closed");
  let e = raised (fun () -> features h) in
  ignore (ok (String.length e > 10 && String.sub e 0 10 = "exception ")
            ("a call after close raises Invalid_argument: " ^ e));
  for _ = 1 to 50 do ignore (interface_open ()) done;
  Gc.full_major ();
  ignore (ok (open_fds () = fds)
            (Printf.sprintf "50 handles dropped without close: the GC closed them (%d fds, %d before)"
               (open_fds ()) fds));
  ignore (ok (with_handle (fun h -> features h <> [])) "a fresh handle after all that works")

(* The README's example on a fresh domain of 64 pages, populated while
   bound to the last node (strictly where the series is there), beside the
   usage query. *)
let check_example h series topo =
  let last = List.nth (mem_nodes topo) (List.length (mem_nodes topo) - 1) in
  let size = Topology.nr_nodes topo in
  let domid = create_domain () in
  Fun.protect ~finally:(fun () -> destroy_domain domid) (fun () ->
      set_affinity h ~strict:series domid (Nodemap.of_list ~size [ last ]);
      ignore (populate domid 64);
      let cmd = Printf.sprintf "nodeaff-bind-strict %d %d 2>&1" domid last in
      let r = run_capture cmd in
      diag "$ %s" cmd;
      (match r with Ok out | Error out -> String.split_on_char '\n' (String.trim out) |> List.iter (diag "%s"));
      if series then
        let want =
          String.concat "" (List.mapi (Printf.sprintf "node %d: %d pages\n") (cli_usage domid))
        in
        ignore (ok (r = Ok want && (get_state h domid).mode = Strict_binding
                    && List.nth (cli_usage domid) last = 64)
                  (Printf.sprintf "example: $ %s prints nodeaff usage's pages, domain strict" cmd))
      else
        ignore (ok (match r with Error _ -> true | Ok _ -> false)
                  "example on stock Xen: exits 1 with the EOPNOTSUPP message"))

(* Node claims (patch 0008): a claim shows in the domain's and the host's
   figures, populating consumes it, a claim beyond the node is refused
   with the node it fell short on and changes nothing, cancel and destroy
   leave nothing behind.  Stock Xen: EOPNOTSUPP. *)
let check_claims h topo series =
  let nodes = mem_nodes topo in
  let last = List.nth nodes (List.length nodes - 1) in
  let size = Topology.nr_nodes topo in
  let domid = create_domain () in
  let vec n = Array.init size (fun i -> if i = last then n else 0) in
  let destroyed = ref false in
  Fun.protect ~finally:(fun () -> if not !destroyed then destroy_domain domid) (fun () ->
      if not series then (
        let e = raised (fun () -> claim h domid (vec 16)) in
        ignore (ok (e = "EOPNOTSUPP") ("stock Xen: claim raises Error EOPNOTSUPP: " ^ e)))
      else (
        let base = (host_claims h).per_node in
        ignore (ok (claim h domid (vec 2048) = Ok ())
                  (Printf.sprintf "claim 2048 pages on node %d" last));
        let c = get_claim h domid in
        ignore (ok (c.pages = vec 2048 && c.host_wide = 0)
                  (Printf.sprintf "get_claim %s, no host-wide claim" (list_s (Array.to_list c.pages))));
        let hc = (host_claims h).per_node in
        ignore (ok (hc.(last) = base.(last) + 2048)
                  (Printf.sprintf "host_claims %s include it" (list_s (Array.to_list hc))));
        set_affinity h ~strict:true domid (Nodemap.of_list ~size [ last ]);
        let r = populate domid 1024 in
        let c = get_claim h domid in
        ignore (ok (r = 1024 && c.pages = vec 1024)
                  (Printf.sprintf "populating 1024 pages consumed them: %s" (list_s (Array.to_list c.pages))));
        (match claim h domid (vec (1 lsl 30)) with
         | Error { node = Some n; available } ->
             ignore (ok (n = last && available >= 1024)
                       (Printf.sprintf "a claim beyond the node: Error { node = Some %d; available = %d }" n available))
         | Error { node = None; _ } -> ignore (ok false "a claim beyond the node: short on the host, not the node")
         | Ok () -> ignore (ok false "a claim beyond the node was granted"));
        ignore (ok ((get_claim h domid).pages = vec 1024) "the refused claim changed nothing");
        cancel_claim h domid;
        ignore (ok ((get_claim h domid).pages = vec 0) "cancel_claim: nothing left");
        ignore (ok (claim h domid (vec 512) = Ok ()) "claim again");
        destroy_domain domid;
        destroyed := true;
        let after = (host_claims h).per_node in
        ignore (ok (after = base)
                  (Printf.sprintf "destroy released it: host claims %s" (list_s (Array.to_list after))));
        let e = raised (fun () -> get_claim h domid) in
        ignore (ok (e = "ESRCH") ("get_claim on the destroyed domain: " ^ e))))

let run () =
  let h = try interface_open () with e -> print_endline ("Bail out! interface_open: " ^ Printexc.to_string e); exit 1 in
  let fs = features h in
  let series = List.mem Strict fs in
  if series then ignore (ok (fs = [ Affinity; Strict; Usage; State; Claims ]) "patched Xen: every feature")
  else ignore (ok (fs = [ Affinity ]) "stock Xen: Affinity only");
  let topo = check_topology h in
  check_domain h topo series;
  check_claims h topo series;
  check_example h series topo;
  close h;
  check_lifetime ()

let () =
  (try run ()
   with e ->
     diag "t-ocaml: %s" (Printexc.to_string e);
     ignore (ok false "t-ocaml raised"));
  Printf.printf "1..%d\n" !n_test;
  exit (if !failed > 0 then 1 else 0)
