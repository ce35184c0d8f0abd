@echo off
setlocal
rem 用法：每周四把工作文件夹拖到本文件的图标上（或双击后按提示把它拖进窗口）。
set "ZJK=%~dp0.venv\Scripts\zjkcollect.exe"
if not exist "%ZJK%" goto notinstalled
set "TARGET=%~f1"
if not "%~1"=="" goto havefolder
set /p "TARGET=请把工作文件夹拖到这个窗口里，然后按回车："
set "TARGET=%TARGET:"=%"
:havefolder
set "DIR=%TARGET%"
:find
if exist "%DIR%\活动配置.toml" goto found
for %%P in ("%DIR%\..") do set "UP=%%~fP"
if /i "%UP%"=="%DIR%" goto notfound
set "DIR=%UP%"
goto find
:found
cd /d "%DIR%"
set /p "WEEK=请输入统计周（周四，例如 2025-07-03），然后按回车："
"%ZJK%" merge --week "%WEEK%"
if errorlevel 1 goto done
start "" "%DIR%\输出"
:done
echo.
pause
exit /b 0

:notfound
echo 这里不是工作文件夹（其中没有“活动配置.toml”）。请先双击“新建工作文件夹.bat”建立工作文件夹。
pause
exit /b 2

:notinstalled
echo 还没有安装：请先双击“安装.bat”。
pause
exit /b 2
