@echo off
rem vmdk-delta launcher for Windows (cmd.exe).
rem
rem Builds target\vmdk-delta.jar with Maven (mvn.cmd) when it is missing or older than
rem pom.xml or anything under src\main, then runs it with every argument passed through.
rem The tool's exit code is this script's exit code.
rem
rem Environment:
rem   JAVA       the java program to run (default: JAVA_HOME\bin\java.exe, else java on the PATH)
rem   JAVA_OPTS  extra JVM options, for example -Xmx512m
rem
rem Staleness is checked with PowerShell when it is there; without it, the jar is built
rem only when it is missing. This file must keep CRLF line endings (see .gitattributes):
rem cmd.exe can miss labels in a file with LF-only endings. No parenthesised blocks below:
rem a ")" in an expanded path would end them; gotos instead.

setlocal EnableExtensions DisableDelayedExpansion

rem %~dp0 is this file's folder, with a trailing backslash; the repository is its parent.
for %%I in ("%~dp0..") do set "VMDK_DELTA_ROOT=%%~fI"
set "VMDK_DELTA_JAR=%VMDK_DELTA_ROOT%\target\vmdk-delta.jar"
if not exist "%VMDK_DELTA_ROOT%\pom.xml" goto :no_repo

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
if not exist "%VMDK_DELTA_JAR%" goto :build
set "VMDK_DELTA_PS=powershell.exe"
where powershell.exe >nul 2>nul || set "VMDK_DELTA_PS=pwsh.exe"
where %VMDK_DELTA_PS% >nul 2>nul || goto :run
rem Exit 0 when the jar is newer than pom.xml and everything under src\main (folders too,
rem so a deleted file counts), 1 otherwise or on any error. Paths go through the
rem environment, never into the PowerShell text, so quotes in them do no harm.
%VMDK_DELTA_PS% -NoLogo -NoProfile -NonInteractive -Command "$jar = (Get-Item -LiteralPath $env:VMDK_DELTA_JAR).LastWriteTimeUtc; $newer = (@(Get-Item -LiteralPath (Join-Path $env:VMDK_DELTA_ROOT 'pom.xml')) + @(Get-ChildItem -LiteralPath (Join-Path $env:VMDK_DELTA_ROOT 'src\main') -Recurse -Force -ErrorAction SilentlyContinue)) | Where-Object { $_.LastWriteTimeUtc -gt $jar } | Select-Object -First 1; if ($newer) { exit 1 } else { exit 0 }"
if errorlevel 1 goto :build
goto :run

:build
where mvn.cmd >nul 2>nul || goto :no_mvn
echo vmdk-delta: building "%VMDK_DELTA_JAR%" ... 1>&2
pushd "%VMDK_DELTA_ROOT%" || goto :build_failed
call mvn.cmd -B -q -DskipTests -Dspotless.check.skip=true -Dspotless.apply.skip=true package 1>&2
set "VMDK_DELTA_RC=%ERRORLEVEL%"
popd
if not "%VMDK_DELTA_RC%"=="0" goto :build_failed
if not exist "%VMDK_DELTA_JAR%" goto :build_failed

:run
"%VMDK_DELTA_JAVA%" %JAVA_OPTS% -jar "%VMDK_DELTA_JAR%" %*
exit /b %ERRORLEVEL%

:no_repo
echo vmdk-delta: cannot find the repository: no pom.xml in "%VMDK_DELTA_ROOT%". Run this file from the bin folder of the repository, not a copy of it. 1>&2
exit /b 1

:no_java
echo vmdk-delta: java not found ("%VMDK_DELTA_JAVA%"): install a Java 17 runtime, or set JAVA to the java program 1>&2
exit /b 1

:no_mvn
if not exist "%VMDK_DELTA_JAR%" goto :no_mvn_no_jar
echo vmdk-delta: warning: "%VMDK_DELTA_JAR%" is older than the sources, and mvn is not installed: running it as it is 1>&2
goto :run
:no_mvn_no_jar
echo vmdk-delta: mvn (Apache Maven) is not installed: it is needed once to build "%VMDK_DELTA_JAR%" 1>&2
exit /b 1

:build_failed
echo vmdk-delta: the build failed; run "mvn -B package" in "%VMDK_DELTA_ROOT%" to see why 1>&2
exit /b 1
