# moyin_stage(NAME DEPS...) declares the library of one stage folder from the
# .cpp files it holds, with src/ as the include root.
function(moyin_stage name)
  file(GLOB _sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(_sources)
    add_library(moyin_${name} STATIC ${_sources})
    target_include_directories(moyin_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(moyin_${name} PUBLIC ${ARGN})
  else()
    add_library(moyin_${name} INTERFACE)
    target_include_directories(moyin_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(moyin_${name} INTERFACE ${ARGN})
  endif()
endfunction()
