(* SPDX-License-Identifier: LGPL-2.1-or-later *)
(* The OCaml bindings without a hypervisor: nodemaps, formats, topology,
   placement, errors, and that the GC owns every C object (run it often
   and allocate a lot: a use-after-free or double free would crash or, in
   the ASan/valgrind runs of the C library, be reported). *)

open Nodeaff

let error_errno f =
  match f () with
  | _ -> None
  | exception Error { errno; _ } -> Some (errno_name errno)

let check_errno what want f =
  Alcotest.(check (option string)) what (Some want) (error_errno f)

let ints = Alcotest.(list int)

let test_nodemap () =
  let m = Nodemap.create () in
  Alcotest.(check int) "default size" 64 (Nodemap.size m);
  Alcotest.(check int) "empty" 0 (Nodemap.count m);
  Nodemap.add m 3;
  Nodemap.add m 0;
  Nodemap.add m 63;
  Alcotest.check ints "to_list ascending" [ 0; 3; 63 ] (Nodemap.to_list m);
  Alcotest.(check bool) "mem" true (Nodemap.mem m 3);
  Alcotest.(check bool) "not mem" false (Nodemap.mem m 4);
  Alcotest.(check bool) "mem beyond size is false" false (Nodemap.mem m 64);
  Alcotest.(check bool) "mem negative is false" false (Nodemap.mem m (-1));
  Nodemap.remove m 3;
  Alcotest.check ints "removed" [ 0; 63 ] (Nodemap.to_list m);
  check_errno "add beyond size" "ERANGE" (fun () -> Nodemap.add m 64);
  check_errno "size 0" "EINVAL" (fun () -> Nodemap.create ~size:0 ());
  check_errno "size above the maximum" "EINVAL" (fun () -> Nodemap.create ~size:65537 ());
  Alcotest.check_raises "negative node" (Invalid_argument "Nodeaff: node -1 is out of range")
    (fun () -> Nodemap.add m (-1));
  let c = Nodemap.copy m in
  Nodemap.add c 5;
  Alcotest.check ints "copy is independent" [ 0; 63 ] (Nodemap.to_list m);
  Alcotest.check ints "of_list" [ 1; 2 ] (Nodemap.to_list (Nodemap.of_list ~size:4 [ 2; 1 ]))

let test_formats () =
  let m = Nodemap.parse "0,2-5,7" in
  Alcotest.(check string) "list" "0,2-5,7" (Nodemap.format m);
  Alcotest.(check string) "hex" "0xbd" (Nodemap.format ~format:Hex m);
  Alcotest.(check string) "json" "[0,2,3,4,5,7]" (Nodemap.format ~format:Json m);
  let e = Nodemap.create () in
  Alcotest.(check (list string)) "empty set" [ "none"; "0x0"; "[]" ]
    (List.map (fun format -> Nodemap.format ~format e) [ List; Hex; Json ]);
  let all = Nodemap.parse ~size:65536 "all" in
  Alcotest.(check string) "a long text" "0-65535" (Nodemap.to_string all);
  let json = Nodemap.format ~format:Json all in
  Alcotest.(check string) "json of 65536 nodes"
    ("[" ^ String.concat "," (List.init 65536 string_of_int) ^ "]") json

let test_equality () =
  let a = Nodemap.of_list ~size:8 [ 1; 2 ] and b = Nodemap.of_list ~size:64 [ 1; 2 ] in
  Alcotest.(check bool) "equal across sizes" true (Nodemap.equal a b);
  Alcotest.(check bool) "structural = is set equality" true (a = b);
  Alcotest.(check bool) "hash follows" true (Hashtbl.hash a = Hashtbl.hash b);
  Alcotest.(check bool) "different" false (a = Nodemap.of_list [ 1 ]);
  let sorted =
    List.sort compare [ Nodemap.of_list [ 2 ]; Nodemap.of_list [ 0; 5 ]; Nodemap.of_list [ 0 ] ]
  in
  Alcotest.(check (list string)) "compare is set order" [ "0"; "0,5"; "2" ]
    (List.map Nodemap.to_string sorted)

let test_parse_errors () =
  (match Nodemap.parse "3-1" with
  | _ -> Alcotest.fail "3-1 parsed"
  | exception (Error { errno = EINVAL; func; message; parse = Some { reason; column } } as e) ->
      Alcotest.(check string) "func" "nodeaff_nodemap_parse" func;
      Alcotest.(check int) "column" 3 column;
      Alcotest.(check string) "reason sentence" (parse_reason_string reason)
        (String.sub message (String.length "'3-1': column 3: ")
           (String.length message - String.length "'3-1': column 3: "));
      Alcotest.(check string) "printer"
        ("Nodeaff.Error(EINVAL, nodeaff_nodemap_parse: " ^ message ^ ")")
        (Printexc.to_string e));
  check_errno "a NUL byte" "EINVAL" (fun () -> Nodemap.parse "0\0001");
  check_errno "node beyond the map" "ERANGE" (fun () -> Nodemap.parse ~size:4 "4");
  check_errno "overflow" "EOVERFLOW" (fun () -> Nodemap.parse "99999999999")

let test_errno_names () =
  Alcotest.(check string) "EOPNOTSUPP" "EOPNOTSUPP" (errno_name EOPNOTSUPP);
  Alcotest.(check bool) "EOPNOTSUPP is a constructor" true (errno_of_int 95 = EOPNOTSUPP);
  Alcotest.(check string) "Other" "EIO" (errno_name (Other 5));
  Alcotest.(check string) "unnamed" "errno 4000" (errno_name (Other 4000));
  Alcotest.check_raises "0 is no errno" (Invalid_argument "Nodeaff.errno_of_int: not a positive errno")
    (fun () -> ignore (errno_of_int 0))

let test_topology () =
  let t = Topology.create ~nodes:3 ~cpus:4 in
  Alcotest.(check (pair int int)) "sizes" (3, 4) (Topology.nr_nodes t, Topology.nr_cpus t);
  Topology.set_node_memory t 0 ~size:(1 lsl 30) ~free:(1 lsl 29);
  Topology.set_node_memory t 1 ~size:(2 lsl 30) ~free:(2 lsl 30);
  Topology.set_cpu_node t ~cpu:0 ~node:0;
  Topology.set_cpu_node t ~cpu:1 ~node:1;
  Topology.set_distance t 0 1 21;
  Topology.set_node_vcpus t 1 3;
  Topology.set_node_online t 2 false;
  Alcotest.(check (pair int int)) "memory" (1 lsl 30, 1 lsl 29) (Topology.node_memory t 0);
  Alcotest.(check int) "distance" 21 (Topology.distance t 0 1);
  Alcotest.(check int) "default remote distance" 20 (Topology.distance t 1 0);
  Alcotest.(check (option int)) "cpu 1" (Some 1) (Topology.cpu_node t 1);
  Alcotest.(check (option int)) "cpu 3 on no node" None (Topology.cpu_node t 3);
  Alcotest.check ints "node 0's CPUs" [ 0 ] (Nodemap.to_list (Topology.node_cpus t 0));
  Alcotest.(check int) "vcpus" 3 (Topology.node_vcpus t 1);
  Alcotest.check ints "online" [ 0; 1 ] (Nodemap.to_list (Topology.online_nodes t));
  check_errno "offline node's memory" "ENOENT" (fun () -> Topology.node_memory t 2);
  check_errno "node beyond" "ERANGE" (fun () -> Topology.distance t 0 3);
  check_errno "free above size" "EINVAL" (fun () ->
      Topology.set_node_memory t 0 ~size:1 ~free:2);
  check_errno "distance 9" "EINVAL" (fun () -> Topology.set_distance t 0 1 9);
  check_errno "no such file" "ENOENT" (fun () -> Topology.of_file "/nonexistent.topo");
  check_errno "a directory" "EISDIR" (fun () -> Topology.of_file "/");
  let bad = Filename.temp_file "bad" ".topo" in
  let oc = open_out bad in
  output_string oc "node 0 mem=1G cpus=0\nnode 1 mem=2Q\n";
  close_out oc;
  (match Topology.of_file bad with
  | _ -> Alcotest.fail "malformed file read"
  | exception Error { errno = EINVAL; message; _ } ->
      Alcotest.(check string) "line in message" (bad ^ ":2: malformed topology line") message);
  Sys.remove bad

let test_placement () =
  let t = Topology.create ~nodes:2 ~cpus:2 in
  List.iter
    (fun n ->
      Topology.set_node_memory t n ~size:(4 lsl 30) ~free:(4 lsl 30);
      Topology.set_cpu_node t ~cpu:n ~node:n)
    [ 0; 1 ];
  let p = Placement.place t ~memory:(1 lsl 30) ~vcpus:1 in
  Alcotest.(check string) "winner" "0" (Nodemap.to_string p.nodes);
  Alcotest.(check int) "candidates" 2 (List.length p.candidates);
  let w = List.hd p.candidates in
  Alcotest.(check (pair int int)) "winner's free and distance" (4 lsl 30, 10)
    (w.free_bytes, w.max_distance);
  Alcotest.(check bool) "a verdict" true (String.length w.verdict > 0);
  Alcotest.(check string) "strict, both nodes" "0-1"
    (Nodemap.to_string (Placement.place ~strict:true t ~memory:(8 lsl 30) ~vcpus:1).nodes);
  check_errno "strict, too much" "ENOSPC" (fun () ->
      Placement.place ~strict:true t ~memory:(9 lsl 30) ~vcpus:1);
  check_errno "no memory" "EINVAL" (fun () -> Placement.place t ~memory:0 ~vcpus:1);
  check_errno "negative memory" "EINVAL" (fun () -> Placement.place t ~memory:(-1) ~vcpus:1)

(* Not Xen, or no privcmd here: opening fails with the errno, never a crash. *)
let test_no_hypervisor () =
  if Sys.file_exists "/dev/xen/privcmd" || Sys.file_exists "/proc/xen/privcmd" then
    print_endline "# this machine has a Xen interface: skipped"
  else
    match interface_open () with
    | _ -> Alcotest.fail "opened a hypervisor that is not there"
    | exception Error { errno = ENODEV | ENOENT | EACCES; func = "nodeaff_open"; _ } -> ()

(* Many objects, dropped and collected while others are in use: each
   finaliser frees its own object once. *)
let test_gc () =
  let t = Topology.of_file (Filename.concat Test_srcdir.srcdir "tests/placement/topologies/epyc-2s-nps4.topo") in
  let keep = ref [] in
  for i = 1 to 20_000 do
    let m = Nodemap.parse (Printf.sprintf "0-%d,^1" (i mod 64)) in
    if i mod 1000 = 0 then keep := m :: !keep;
    if i mod 500 = 0 then (
      let p = Placement.place t ~memory:(i lsl 20) ~vcpus:2 in
      ignore (Nodemap.to_list p.nodes);
      Gc.full_major ())
  done;
  Gc.compact ();
  Alcotest.(check int) "kept maps survive" 20 (List.length !keep);
  List.iteri
    (fun i m ->
      let n = (20 - i) * 1000 mod 64 in
      Alcotest.(check bool) "kept map intact" true (Nodemap.mem m 0 && (n < 1 || not (Nodemap.mem m 1))))
    !keep

let () =
  Alcotest.run "nodeaff"
    [
      ( "nodemap",
        [
          Alcotest.test_case "operations" `Quick test_nodemap;
          Alcotest.test_case "formats" `Quick test_formats;
          Alcotest.test_case "equality" `Quick test_equality;
          Alcotest.test_case "parse errors" `Quick test_parse_errors;
        ] );
      ("errors", [ Alcotest.test_case "errno names" `Quick test_errno_names ]);
      ( "topology",
        [
          Alcotest.test_case "built by hand, from files" `Quick test_topology;
          Alcotest.test_case "placement" `Quick test_placement;
        ] );
      ("handle", [ Alcotest.test_case "no hypervisor" `Quick test_no_hypervisor ]);
      ("gc", [ Alcotest.test_case "finalisers" `Quick test_gc ]);
    ]
