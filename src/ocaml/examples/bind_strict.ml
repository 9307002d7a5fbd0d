(* Binds domain DOMID strictly to NODESET and prints its pages per node. *)
let () =
  let domid = int_of_string Sys.argv.(1) and nodes = Nodeaff.Nodemap.parse Sys.argv.(2) in
  Nodeaff.with_handle (fun h ->
      match Nodeaff.set_affinity h ~strict:true domid nodes with
      | () -> Array.iteri (Printf.printf "node %d: %d pages\n") (Nodeaff.get_usage h domid)
      | exception Nodeaff.Error { errno = EOPNOTSUPP; _ } ->
          prerr_endline "strict binding needs the libnodeaff Xen series";
          exit 1)
