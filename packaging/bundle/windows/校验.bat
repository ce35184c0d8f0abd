@echo off
setlocal
rem 用法：把“收件箱”文件夹（或其中某一周的文件夹、某个文件）拖到本文件的图标上。
set "ZJK=%~dp0.venv\Scripts\zjkcollect.exe"
if not exist "%ZJK%" goto notinstalled
if "%~1"=="" goto usage
set "TARGET=%~f1"
rem 从拖来的位置向上找工作文件夹（有“活动配置.toml”的那一个），在那里运行
set "DIR=%TARGET%"
:find
if exist "%DIR%\活动配置.toml" goto found
for %%P in ("%DIR%\..") do set "UP=%%~fP"
if /i "%UP%"=="%DIR%" goto notfound
set "DIR=%UP%"
goto find
:notfound
for %%P in ("%TARGET%\..") do set "DIR=%%~fP"
:found
cd /d "%DIR%"
"%ZJK%" validate "%TARGET%"
echo.
if exist "输出\退回" echo 标注问题的退回副本在“输出\退回”文件夹。
pause
exit /b 0

:usage
echo 用法：把“收件箱”文件夹（或其中某一周的文件夹、某个文件）拖到“校验.bat”的图标上。
pause
exit /b 2

:notinstalled
echo 还没有安装：请先双击“安装.bat”。
pause
exit /b 2
