# The shape every opt-in component of rill shares (rill::mpi, rill::kafka,
# rill::ui): an INTERFACE target rill_<name> with the alias rill::<name>,
# installed with its own export set and config file so a consumer asks for it
# with find_package(rill COMPONENTS <name>).
include_guard(GLOBAL)

# Defines rill_<name> and rill::<name>; the caller adds what it links.
function(rill_add_component name)
  add_library(rill_${name} INTERFACE)
  add_library(rill::${name} ALIAS rill_${name})
  set_target_properties(rill_${name} PROPERTIES EXPORT_NAME ${name})
  target_link_libraries(rill_${name} INTERFACE rill)
endfunction()

# Installs rill_<name> under the export set `export_set` with `config_file`.
function(rill_install_component name export_set config_file)
  install(TARGETS rill_${name} EXPORT ${export_set})
  install(EXPORT ${export_set} NAMESPACE rill:: DESTINATION lib/cmake/rill)
  install(FILES "${config_file}" DESTINATION lib/cmake/rill)
endfunction()
