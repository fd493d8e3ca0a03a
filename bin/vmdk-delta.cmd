@echo off
rem vmdk-delta launcher for Windows (cmd.exe).
rem
rem In a repository (pom.xml beside bin), builds target\vmdk-delta.jar with Maven (mvn.cmd)
rem when it is missing or older than pom.xml or anything under src\main; in an unpacked
rem distribution, runs lib\vmdk-delta.jar as it is. Every argument is passed through; the
rem tool's exit code is this script's exit code. Sets VMDK_DELTA_HOME to the installation
rem folder (integrate windows uses it).
rem
rem Environment:
rem   JAVA            the java program to run (default: JAVA_HOME\bin\java.exe, else java on the PATH)
rem   JAVA_OPTS       extra JVM options, for example -Xmx512m; they come after the launcher's own
rem   VMDK_DELTA_CDS  0 to neither use nor make the class data sharing archive (see :cds below)
rem
rem Staleness is checked with PowerShell when it is there; without it, the jar is built
rem only when it is missing. This file must keep CRLF line endings (see .gitattributes):
rem cmd.exe can miss labels in a file with LF-only endings. No parenthesised blocks below:
rem a ")" in an expanded path would end them; gotos instead.

setlocal EnableExtensions DisableDelayedExpansion

rem %~dp0 is this file's folder, with a trailing backslash; the installation is its parent:
rem a repository (pom.xml) or an unpacked distribution (lib\vmdk-delta.jar).
for %%I in ("%~dp0..") do set "VMDK_DELTA_ROOT=%%~fI"
set "VMDK_DELTA_HOME=%VMDK_DELTA_ROOT%"
set "VMDK_DELTA_JAR=%VMDK_DELTA_ROOT%\target\vmdk-delta.jar"
set "VMDK_DELTA_DIST="
if exist "%VMDK_DELTA_ROOT%\pom.xml" goto :find_java
set "VMDK_DELTA_JAR=%VMDK_DELTA_ROOT%\lib\vmdk-delta.jar"
set "VMDK_DELTA_DIST=1"
if not exist "%VMDK_DELTA_JAR%" goto :no_repo

:find_java

rem The java program: JAVA, else JAVA_HOME\bin\java.exe, else java on the PATH.
if defined JAVA goto :java_from_env
if not defined JAVA_HOME goto :java_from_path
set "VMDK_DELTA_JAVA=%JAVA_HOME:"=%\bin\java.exe"
if exist "%VMDK_DELTA_JAVA%" goto :check_jar
:java_from_path
set "VMDK_DELTA_JAVA=java.exe"
where java.exe >nul 2>nul || goto :no_java
goto :check_jar
:java_from_env
set "VMDK_DELTA_JAVA=%JAVA:"=%"
if exist "%VMDK_DELTA_JAVA%" goto :check_jar
where "%VMDK_DELTA_JAVA%" >nul 2>nul || goto :no_java

:check_jar
if defined VMDK_DELTA_DIST goto :cds
if not exist "%VMDK_DELTA_JAR%" goto :build
set "VMDK_DELTA_PS=powershell.exe"
where powershell.exe >nul 2>nul || set "VMDK_DELTA_PS=pwsh.exe"
where %VMDK_DELTA_PS% >nul 2>nul || goto :cds
rem Exit 0 when the jar is newer than pom.xml and everything under src\main (folders too,
rem so a deleted file counts), 1 otherwise or on any error. Paths go through the
rem environment, never into the PowerShell text, so quotes in them do no harm.
%VMDK_DELTA_PS% -NoLogo -NoProfile -NonInteractive -Command "$jar = (Get-Item -LiteralPath $env:VMDK_DELTA_JAR).LastWriteTimeUtc; $newer = (@(Get-Item -LiteralPath (Join-Path $env:VMDK_DELTA_ROOT 'pom.xml')) + @(Get-ChildItem -LiteralPath (Join-Path $env:VMDK_DELTA_ROOT 'src\main') -Recurse -Force -ErrorAction SilentlyContinue)) | Where-Object { $_.LastWriteTimeUtc -gt $jar } | Select-Object -First 1; if ($newer) { exit 1 } else { exit 0 }"
if errorlevel 1 goto :build
goto :cds

:build
where mvn.cmd >nul 2>nul || goto :no_mvn
echo vmdk-delta: building "%VMDK_DELTA_JAR%" ... 1>&2
pushd "%VMDK_DELTA_ROOT%" || goto :build_failed
rem -Dvmdk.lean (pom.xml, profile "lean"): the jar and its class list only, no tests,
rem man pages or distribution, so that a first build downloads only what the jar needs.
call mvn.cmd -B -q -Dvmdk.lean package 1>&2
set "VMDK_DELTA_RC=%ERRORLEVEL%"
popd
if not "%VMDK_DELTA_RC%"=="0" goto :build_failed
if not exist "%VMDK_DELTA_JAR%" goto :build_failed

:cds
rem Start-up (docs\startup.md): C1 only and the serial collector suit a process that lives
rem for a second; a class data sharing archive (vmdk-delta.jsa beside the jar) of the classes a
rem run loads saves loading them. The archive works only for the java that made it and the jar
rem as it is, so vmdk-delta.jsa.stamp records that java's release file and the jar's path, size
rem and time; when it does not match, the archive is made again from vmdk-delta.classlist (a
rem one-off of a few seconds; skipped in a read-only folder, not retried after a failure until
rem java or the jar changes). A java.exe without a release file one folder up gets none.
set "VMDK_DELTA_USE_CDS="
if "%VMDK_DELTA_CDS%"=="0" goto :run
set "VMDK_DELTA_JSA=%VMDK_DELTA_JAR:~0,-4%.jsa"
if not exist "%VMDK_DELTA_JAR:~0,-4%.classlist" goto :run
set "VMDK_DELTA_JAVA_EXE="
for %%J in ("%VMDK_DELTA_JAVA%") do set "VMDK_DELTA_JAVA_EXE=%%~$PATH:J"
if exist "%VMDK_DELTA_JAVA%" for %%J in ("%VMDK_DELTA_JAVA%") do set "VMDK_DELTA_JAVA_EXE=%%~fJ"
if not defined VMDK_DELTA_JAVA_EXE goto :run
for %%J in ("%VMDK_DELTA_JAVA_EXE%") do set "VMDK_DELTA_RELEASE=%%~dpJ..\release"
if not exist "%VMDK_DELTA_RELEASE%" goto :run
for %%F in ("%VMDK_DELTA_JAR%") do set "VMDK_DELTA_JAR_ID=%%~zF %%~tF"
set "VMDK_DELTA_STAMP=%TEMP%\vmdk-delta-%RANDOM%%RANDOM%.stamp"
copy /b "%VMDK_DELTA_RELEASE%" "%VMDK_DELTA_STAMP%" >nul 2>nul || goto :run
set VMDK_DELTA_JAR>>"%VMDK_DELTA_STAMP%"
fc /b "%VMDK_DELTA_STAMP%" "%VMDK_DELTA_JSA%.stamp" >nul 2>nul && goto :cds_check
rem The stamp first: in a read-only folder that fails, and no archive is attempted.
del /f /q "%VMDK_DELTA_JSA%" >nul 2>nul
copy /b /y "%VMDK_DELTA_STAMP%" "%VMDK_DELTA_JSA%.stamp" >nul 2>nul || goto :cds_check
"%VMDK_DELTA_JAVA%" -Xshare:dump "-XX:SharedClassListFile=%VMDK_DELTA_JAR:~0,-4%.classlist" "-XX:SharedArchiveFile=%VMDK_DELTA_JSA%.tmp" -cp "%VMDK_DELTA_JAR%" >nul 2>nul
if not errorlevel 1 move /y "%VMDK_DELTA_JSA%.tmp" "%VMDK_DELTA_JSA%" >nul 2>nul
del /f /q "%VMDK_DELTA_JSA%.tmp" >nul 2>nul
:cds_check
if exist "%VMDK_DELTA_JSA%" fc /b "%VMDK_DELTA_STAMP%" "%VMDK_DELTA_JSA%.stamp" >nul 2>nul && set "VMDK_DELTA_USE_CDS=1"
del /f /q "%VMDK_DELTA_STAMP%" >nul 2>nul
if defined VMDK_DELTA_USE_CDS goto :run_cds

:run
"%VMDK_DELTA_JAVA%" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC %JAVA_OPTS% -jar "%VMDK_DELTA_JAR%" %*
exit /b %ERRORLEVEL%

:run_cds
"%VMDK_DELTA_JAVA%" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "-XX:SharedArchiveFile=%VMDK_DELTA_JSA%" -Xshare:auto %JAVA_OPTS% -jar "%VMDK_DELTA_JAR%" %*
exit /b %ERRORLEVEL%

:no_repo
echo vmdk-delta: cannot find the installation: no pom.xml (repository) and no lib\vmdk-delta.jar (distribution) in "%VMDK_DELTA_ROOT%". Run this file from its bin folder, not a copy of it. 1>&2
exit /b 1

:no_java
echo vmdk-delta: java not found ("%VMDK_DELTA_JAVA%"): install a Java 17 runtime, or set JAVA to the java program 1>&2
exit /b 1

:no_mvn
if not exist "%VMDK_DELTA_JAR%" goto :no_mvn_no_jar
echo vmdk-delta: warning: "%VMDK_DELTA_JAR%" is older than the sources, and mvn is not installed: running it as it is 1>&2
goto :cds
:no_mvn_no_jar
echo vmdk-delta: mvn (Apache Maven) is not installed: it is needed once to build "%VMDK_DELTA_JAR%" 1>&2
exit /b 1

:build_failed
echo vmdk-delta: the build failed; run "mvn -B package" in "%VMDK_DELTA_ROOT%" to see why 1>&2
exit /b 1
