# What `cmake --install` (and so the Debian package, debian/) puts where: the daemon in sbin,
# the systemd unit, a harmless starting config in /etc/kenes, the JSON Schemas and the demo in
# share/kenes, the man pages and the docs. With the prefix /usr, GNUInstallDirs makes the
# config directory /etc.
include(GNUInstallDirs)

# Debian 12 keeps units in /lib/systemd/system (debian/rules says so); elsewhere under the prefix.
set(KENES_SYSTEMD_UNITDIR "${CMAKE_INSTALL_PREFIX}/lib/systemd/system"
    CACHE PATH "Where the systemd unit is installed")

install(TARGETS kenesd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/systemd/kenesd.service DESTINATION ${KENES_SYSTEMD_UNITDIR})

# The starting config: validates, syncs the empty folder /etc/kenes/calendars and spools
# nothing (config/packaged/README.md).
install(FILES ${PROJECT_SOURCE_DIR}/config/packaged/kenes.json ${PROJECT_SOURCE_DIR}/config/packaged/directory.json
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/kenes)
install(DIRECTORY DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/kenes/calendars)

install(FILES ${PROJECT_SOURCE_DIR}/config/kenes.schema.json ${PROJECT_SOURCE_DIR}/config/directory.schema.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/kenes)
install(FILES ${PROJECT_SOURCE_DIR}/config/demo/kenes.json ${PROJECT_SOURCE_DIR}/config/demo/directory.json
              ${PROJECT_SOURCE_DIR}/config/demo/README.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/kenes/demo)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/config/demo/calendars DESTINATION ${CMAKE_INSTALL_DATADIR}/kenes/demo)
install(FILES ${PROJECT_SOURCE_DIR}/config/examples/parliament-plenary.json ${PROJECT_SOURCE_DIR}/config/examples/README.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/kenes/examples) # beside demo/: its directory is ../demo/directory.json

install(FILES ${PROJECT_SOURCE_DIR}/docs/man/kenesd.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${PROJECT_SOURCE_DIR}/docs/man/kenes.json.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/ARCHITECTURE.md
              ${PROJECT_SOURCE_DIR}/docs/decisions.md ${PROJECT_SOURCE_DIR}/docs/regulation.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/kenesd) # the package is kenesd
